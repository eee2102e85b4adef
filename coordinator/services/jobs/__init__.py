"""Long work run as jobs: stored state, progress and result, run here or by queue workers.

- `records`: the job rows: created, claimed by exactly one runner, heartbeats with progress,
  a stop asked for, finished; stale ones (a dead worker) queued again or failed
- `solving`: a solve as a job: off the event loop, progress stored, stoppable, the plan kept
- `rebalancing`: a rebalance preview as a job: the repair on a worker, the proposal kept
- `importing`: a bundle import as a job: the staged upload checked again and written
- `runners`: who runs jobs: a task inside `serve`/`demo` (SQLite) or Procrastinate workers
  (PostgreSQL), behind one interface
- `queue`: the Procrastinate application and its task, and the stalled-job sweeper
"""
