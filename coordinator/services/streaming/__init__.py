"""Live streams.

- `links`: each dated lesson's stream links, from its school's provider
- `rooms`: meeting rooms opened before a lesson (BigBlueButton `create`)
- `meetings`: meetings made, moved and cancelled through a platform's API, once per change
- `evidence`: after a lesson, who its platform saw there, stored beside the check-ins
- `classin_events`: ClassIn's class summaries (its data subscription) stored as evidence
- `providers`: each school's provider fingerprint and epoch (a change raises SEQUENCE)
- `callbacks`: the streaming server's callbacks and the record of who went live
"""
