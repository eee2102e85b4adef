"""The decision variables of one model, and the plan read back from a solved model."""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from coordinator.timetable.plan import Draft
from coordinator.timetable.problem import Problem
from coordinator.timetable.scope import Context, Scope

LessonKey = tuple[int, int, int]  # (need, teacher, slot)
SessionKey = tuple[int, str, int, int]  # (teacher, subject, slot, grade band)
Floor = tuple[list[cp_model.IntVar], int]  # aux >= sum(variables) + constant


class LessonVars:
    """Owns every variable: lessons, broadcasts, pinned enrolments and continuity markers."""

    def __init__(
        self, model: cp_model.CpModel, problem: Problem, scope: Scope, context: Context
    ) -> None:
        self.problem = problem
        self.free_teachers = scope.teachers
        self.lesson: dict[LessonKey, cp_model.IntVar] = {}
        self.session: dict[SessionKey, cp_model.IntVar] = {}
        self.members: dict[SessionKey, list[LessonKey]] = defaultdict(list)
        self.join: dict[tuple[int | None, int, int], cp_model.IntVar] = {}
        self.uses: dict[tuple[int, int], cp_model.IntVar] = {}
        self.floors: dict[int, tuple[cp_model.IntVar, list[Floor]]] = {}
        for need, options in context.options.items():
            if context.remaining[need] == 0:
                continue
            for teacher, slot in options:
                self._add_lesson(model, need, teacher, slot)
        for join in context.joins:
            if join[0] is None or context.remaining[join[0]] > 0:
                self.join[join] = model.new_bool_var(f"j{join}")
                if join[0] is not None:
                    self._add_use(model, join[0], problem.pinned[join[2]].teacher)

    def _add_lesson(self, model: cp_model.CpModel, need: int, teacher: int, slot: int) -> None:
        info = self.problem.needs[need]
        band = self.problem.classrooms[info.classroom].band
        key: SessionKey = (teacher, info.subject_id, slot, band)
        if key not in self.session:
            self.session[key] = model.new_bool_var(f"s{teacher}_{info.subject_id}_{slot}_{band}")
        self.lesson[(need, teacher, slot)] = model.new_bool_var(f"x{need}_{teacher}_{slot}")
        self.members[key].append((need, teacher, slot))
        self._add_use(model, need, teacher)

    def _add_use(self, model: cp_model.CpModel, need: int, teacher: int) -> None:
        if (need, teacher) not in self.uses:
            self.uses[(need, teacher)] = model.new_bool_var(f"u{need}_{teacher}")

    def add_floor(
        self, aux: cp_model.IntVar, variables: list[cp_model.IntVar], constant: int
    ) -> None:
        """Note that a penalised auxiliary variable is at least sum(variables) + constant."""
        self.floors.setdefault(aux.index, (aux, []))[1].append((variables, constant))

    def hint(self, model: cp_model.CpModel, drafts: list[Draft]) -> None:
        """Hint every variable with a known plan; auxiliaries get their least feasible value."""
        values = self._main_hints(drafts)
        for var, value in values.values():
            model.add_hint(var, value)
        for aux, floors in self.floors.values():
            least = max(sum(values[x.index][1] for x in xs) + c for xs, c in floors)
            model.add_hint(aux, max(0, least))

    def _main_hints(self, drafts: list[Draft]) -> dict[int, tuple[cp_model.IntVar, int]]:
        """Values of lessons, broadcasts, enrolments and continuity markers in a plan."""
        needs = self.problem.need_index()
        chosen: set[LessonKey] = set()
        joined: set[tuple[int, int]] = set()
        served: set[tuple[int, int]] = set()
        for draft in drafts:
            for room in draft.classrooms:
                need = needs.get((room, draft.subject_id))
                if draft.pinned_id is not None:
                    joined.add((room, self._pinned_index(draft.pinned_id)))
                if need is not None:
                    served.add((need, draft.teacher))
                    if draft.pinned_id is None:
                        chosen.add((need, draft.teacher, draft.slot))
        opened = {k for k, members in self.members.items() if chosen.intersection(members)}
        values = [(var, int(key in chosen)) for key, var in self.lesson.items()]
        values += [(var, int((r, p) in joined)) for (_, r, p), var in self.join.items()]
        values += [(var, int(key in opened)) for key, var in self.session.items()]
        values += [(var, int(key in served)) for key, var in self.uses.items()]
        return {var.index: (var, value) for var, value in values}

    def _pinned_index(self, pinned_id: str) -> int:
        return next(i for i, p in enumerate(self.problem.pinned) if p.id == pinned_id)

    def extract(self, solver: cp_model.CpSolver) -> list[Draft]:
        """The free part of the plan as drafts (pinned sessions always included)."""
        rooms: dict[SessionKey, list[int]] = defaultdict(list)
        for key, members in self.members.items():
            for need, _, _ in members:
                if solver.boolean_value(self.lesson[(need, key[0], key[2])]):
                    rooms[key].append(self.problem.needs[need].classroom)
        drafts = [Draft(k[0], k[1], k[2], tuple(sorted(r))) for k, r in rooms.items() if r]
        guests: dict[int, list[int]] = defaultdict(list)
        for (_, room, pinned), var in self.join.items():
            if solver.boolean_value(var):
                guests[pinned].append(room)
        return drafts + self.pinned_drafts(guests)

    def pinned_drafts(self, guests: dict[int, list[int]]) -> list[Draft]:
        """Drafts of the free teachers' pinned sessions, with the given classrooms."""
        return [
            Draft(p.teacher, p.subject_id, p.slot, tuple(sorted(guests.get(i, []))), p.id)
            for i, p in enumerate(self.problem.pinned)
            if p.teacher in self.free_teachers
        ]
