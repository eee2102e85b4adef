"""Planning the week.

- `solve`: the imported data in, a validated weekly plan stored as a new timetable version
- `plans`: timetable versions in the store, written and read back
- `session_keys`: a new plan's sessions inherit the keys of those they replace
"""
