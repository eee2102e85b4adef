"""Rebalancing: the weekly events admins face, answered with a minimal change to the plan.

- `proposals`: preview a change, then apply exactly what was previewed
- `stored`: the CLI's proposals kept in the database under an id, applied by that id
- `changes`: the change asked for, checked against the data and laid onto it
- `dates`: what the change does to the dated lessons, worked out before anything is stored
- `keys`: a lesson that changes hands keeps its identity
"""
