"""The one family of domain errors; messages say what went wrong and where."""


class CoordinatorError(Exception):
    """Base of every error coordinator raises on purpose."""


class NotFoundError(CoordinatorError):
    """A thing named by id does not exist (or is outside the caller's scope)."""


class ConfigurationError(CoordinatorError):
    """Settings are missing or contradict each other."""
