"""Use cases: the only place that combines the store with the pure domain packages."""
