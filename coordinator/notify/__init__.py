"""Notification channels (plug-ins, one module each) and the messages they carry."""

from coordinator.notify.base import Channel, Delivery, DeliveryError, build_channels

__all__ = ["Channel", "Delivery", "DeliveryError", "build_channels"]
