"""Open courses schools pick themselves: what fits a classroom, joining and leaving.

- `courses`: the open courses a classroom is offered, each judged by the solver's rules
- `enrol`: joining (for the term or from a date) and leaving, stored as lesson changes
- `requests`: requests to join where the county approves joins, approved or refused
- `host`: the host's side: who takes a course, attendance, closing and capping enrolment
- `audiences`: a school's teachers or a classroom's parents joining courses for them
- `notices`: the course's teacher told of each join and leave through the outbox
"""
