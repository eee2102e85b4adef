"""Messages to people, all through one durable outbox.

- `outbox`: every message is a row first, then sent, retried, never lost
- `reminders`: reminders before a lesson and change notices after a late change
- `alerts`: no-show alerts for admins (classroom not checked in, teacher not live, failures)
- `access_tokens`: the providers' access tokens, shared by every process through the database
- `announced`: what people last knew of each lesson, so a change notice says before → after
- `trial`: `notify test` (one message now) and the list of messages with their state
- `calendar_push`: what each person's WeCom or DingTalk calendar should hold, as outbox rows
- `calendar_sync`: those rows sent, with the event made for each lesson and person kept
- `admin_people`: admins with contacts on their account, and what they look after
- `message_states`: each message's state for the console and the API, within a scope
- `receipts`: what providers later say of sent messages (delivered, or failed after all)
"""
