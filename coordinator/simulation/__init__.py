"""The demo's school day played against the real API, as the phones and nginx-rtmp would."""

from coordinator.simulation.player import Simulator
from coordinator.simulation.timeline import Action, ApiLesson, Kind, Timeline

__all__ = ["Action", "ApiLesson", "Kind", "Simulator", "Timeline"]
