"""The part of the data one solve covers: an alliance's classrooms and teachers, all else whole."""

from __future__ import annotations

import pytest

from coordinator.errors import NotFoundError
from coordinator.services.data.parts import alliance_part, solve_part
from tests.web.pages.support import county


def test_an_alliances_part_holds_its_schools_classrooms_needs_and_teachers() -> None:
    bundle = county()
    part = alliance_part(bundle, "pair-1")
    assert {c.id for c in part.classrooms} == {"c-east-3", "c-east-4", "c-west-3"}
    assert {n.classroom_id for n in part.needs} == {"c-east-3", "c-east-4", "c-west-3"}
    assert {t.id for t in part.network_teachers} == {"t-wang", "t-chen"}
    assert part.subjects == bundle.subjects
    assert solve_part(bundle, "group:pair-1") == part
    assert {c.id for c in solve_part(bundle, "region:da").classrooms} == {"c-far"}
    assert solve_part(bundle, "") is bundle
    with pytest.raises(NotFoundError):
        alliance_part(bundle, "nowhere")
