"""Calendar feeds for teachers, classrooms, assistants, schools, alliances and regions.

- `render`: a feed rendered from the dated lessons, cached until something changes
- `tokens`: the secret address of each feed (only its hash is stored)
- `subscriptions`: every owner's address; list, rotate and revoke them
"""
