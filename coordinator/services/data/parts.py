"""The part of the data one solve covers: a region's, or one alliance's (pairing or group).

An alliance's part holds the classrooms of its schools with their needs, and the network
teachers of its schools with their busy blocks and pinned sessions; every other table stays
whole (the solver reads only what the classrooms and teachers name). Pure.
"""

from __future__ import annotations

import dataclasses

from coordinator import domain
from coordinator.errors import NotFoundError
from coordinator.services.data.tenancy import region_part


def alliance_schools(bundle: domain.Bundle, alliance_id: str) -> frozenset[str]:
    """The lead school and the member schools of an alliance."""
    lead = {a.lead_school_id for a in bundle.alliances if a.id == alliance_id}
    members = {m.school_id for m in bundle.alliance_members if m.alliance_id == alliance_id}
    return frozenset(lead | members)


def alliance_part(bundle: domain.Bundle, alliance_id: str) -> domain.Bundle:
    schools = alliance_schools(bundle, alliance_id)
    if not schools:
        raise NotFoundError(f"no alliance {alliance_id}")
    classrooms = tuple(c for c in bundle.classrooms if c.school_id in schools)
    rooms = {c.id for c in classrooms}
    teachers = tuple(t for t in bundle.network_teachers if t.school_id in schools)
    people = {t.id for t in teachers}
    return dataclasses.replace(
        bundle,
        classrooms=classrooms,
        needs=tuple(n for n in bundle.needs if n.classroom_id in rooms),
        network_teachers=teachers,
        busy_blocks=tuple(b for b in bundle.busy_blocks if b.teacher_id in people),
        pinned_sessions=tuple(p for p in bundle.pinned_sessions if p.teacher_id in people),
    )


def solve_part(bundle: domain.Bundle, scope: str) -> domain.Bundle:
    """The part a scope ("region:xiao", "alliance:a-1", "group:g-1") solves; "" the whole."""
    kind, _, object_id = scope.partition(":")
    if kind == "region":
        return region_part(bundle, object_id)
    if kind in ("alliance", "group"):
        return alliance_part(bundle, object_id)
    return bundle
