"""Dated lessons: the weekly plan expanded over the term, and everything done to one lesson.

- `dated`: the active plan expanded over the term and reconciled with the store
- `stored`: stored lessons read and written in bulk (what reconciling changes)
- `classrooms`: the classrooms that receive each stored lesson
- `edits`, `edit_rows`: moving, cancelling or re-assigning one lesson by hand, checked first
- `view`: one lesson as its page shows it
- `audiences`: teachers and parents in open courses for them, as events in their feeds
- `grids`: week grids per school, classroom, teacher and assistant in each school's bells
"""
