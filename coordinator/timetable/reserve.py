"""Self-enrolments kept through a re-plan: their periods are busy for the solver (pure).

When `[solver] self_enrolments = "keep"`, a classroom that joined an open course itself stays
in it after a new solve, so the solver must plan around it: the course's time is busy for
the classroom and for every classroom of its assistant (no other lesson may be put there),
the course keeps a seat for it (its capacity is lowered by the kept classrooms, which are laid
in after solving), and a need of the classroom for the course's subject counts the course
as one of its weekly lessons already.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from collections.abc import Iterable

from coordinator.timetable.clock import overlaps
from coordinator.timetable.problem import Interval, Problem


def reserve_enrolled(problem: Problem, enrolled: Iterable[tuple[str, str]]) -> Problem:
    """`problem` with each (open course, classroom) pair kept busy as described above.

    Pairs naming a course or classroom the problem does not hold are left out (another
    region's part, a course no longer in the data).
    """
    rooms = problem.classroom_index()
    pinned = {p.id: i for i, p in enumerate(problem.pinned)}
    kept = [(pinned[p], rooms[c]) for p, c in enrolled if p in pinned and c in rooms]
    if not kept:
        return problem
    busy: dict[int, list[Interval]] = defaultdict(list)
    for course, room in kept:
        assistant = problem.classrooms[room].assistant_id
        for other, info in enumerate(problem.classrooms):
            if other == room or info.assistant_id == assistant:
                busy[other].append(problem.slots[problem.pinned[course].slot])

    def free(room: int, slot: int) -> bool:
        return not any(overlaps(problem.slots[slot], b) for b in busy.get(room, ()))

    seats = Counter(course for course, _ in kept)
    subjects = Counter((room, problem.pinned[course].subject_id) for course, room in kept)
    problem = _needs_lowered(problem, subjects)
    return dataclasses.replace(
        problem,
        fits=tuple(
            tuple(s for s in slots if free(room, s)) for room, slots in enumerate(problem.fits)
        ),
        joins=tuple(
            tuple(r for r in rooms_in if free(r, problem.pinned[i].slot))
            for i, rooms_in in enumerate(problem.joins)
        ),
        pinned=tuple(
            dataclasses.replace(p, capacity=max(0, p.capacity - seats[i]))
            for i, p in enumerate(problem.pinned)
        ),
    )


def _needs_lowered(problem: Problem, taken: Counter[tuple[int, str]]) -> Problem:
    """Each need less the kept courses of its subject; needs met by them leave the problem."""
    lowered = [
        (i, dataclasses.replace(n, periods=n.periods - taken[(n.classroom, n.subject_id)]))
        for i, n in enumerate(problem.needs)
    ]
    left = [(i, n) for i, n in lowered if n.periods > 0]
    return dataclasses.replace(
        problem,
        needs=tuple(n for _, n in left),
        qualified=tuple(problem.qualified[i] for i, _ in left),
        nearby=tuple(problem.nearby[i] for i, _ in left),
        need_of={(n.classroom, n.subject_id): new for new, (_, n) in enumerate(left)},
    )
