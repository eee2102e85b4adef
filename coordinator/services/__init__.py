"""Use cases: the only place that combines the store with the pure domain packages.

Grouped by what they serve (docs/architecture.md has the map):

- `data`: importing a bundle; who is who
- `planning`: solving the week; timetable versions; persistent lesson keys
- `rebalancing`: minimal changes to the plan, previewed then applied
- `lessons`: dated lessons, hand edits, one lesson's page, week grids
- `feeds`: calendar feeds, their addresses and subscriptions
- `streaming`: stream links, meeting rooms, the streaming server's callbacks
- `checkins`: check-ins and problem reports, the assistant's page
- `notifications`: the outbox, reminders, change notices, no-show alerts
- `reporting`: report facts and the Today board
- `accounts`: users, scope, sign-in, tokens, audit
- `scheduler`: the worker's leadership and the record of jobs run
- `demo`: the demo county and its simulated day
- `counters`: change counters that cached things (feeds, boards) watch
"""
