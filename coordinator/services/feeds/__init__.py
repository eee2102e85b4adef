"""Calendar feeds for teachers, classrooms, assistants, schools, alliances and regions.

- `render`: a feed rendered from the dated lessons, cached until something changes
- `departures`: lessons a classroom was taken out of, shown cancelled in its feeds
- `tokens`: the secret address of each feed (only its hash is stored)
- `subscriptions`: every owner's address; list, rotate and revoke them
"""
