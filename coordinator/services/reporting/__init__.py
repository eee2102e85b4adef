"""Reports and monitoring.

- `facts`: one query per kind of fact over a period, handed to the pure `coordinator.reporting`
- `today`: the Today board, every lesson of a day in scope with its live state
- `today_marks`: what the board marks beside a state (substitute, moved, alerts sent)
"""
