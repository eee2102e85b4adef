"""Messages to people, all through one durable outbox.

- `outbox`: every message is a row first, then sent, retried, never lost
- `reminders`: reminders before a lesson and change notices after a late change
- `alerts`: no-show alerts for admins (classroom not checked in, teacher not live, failures)
"""
