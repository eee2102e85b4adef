"""The scheduler worker's own state, shared by every process that may lead.

- `leader`: which worker leads (a PostgreSQL advisory lock, or a file lock on SQLite)
- `job_runs`: which lesson jobs already ran to the end, so a new leader skips them
"""
