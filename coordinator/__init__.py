"""coordinator: live-class scheduler and dual-teacher lesson coordinator."""

__version__ = "0.1.0"
