"""The imported data.

- `imports`: a validated bundle written all or nothing, history retired, never deleted
- `table_rows`: one mirrored table read and written as plain rows, in bulk
- `directory`: who is who, looked up over the current data for feeds and pages
- `timetables`: urban schools' own timetables (Excel grid, aSc, FET) previewed and stored as
  busy blocks
- `one_table`: one corrected table checked with the stored data, its changes previewed
- `edit_kinds`, `row_edits`, `busy_edit`: the Data page's in-place edits, checked as a table
- `tenancy`: a region's own rows; `parts`: the part of the data a solve covers
"""
