"""Two counties in one bundle: what each region admin may download, and what their upload may do."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from coordinator import domain
from coordinator.enums import AllianceKind, SchoolKind
from coordinator.services.data.tenancy import OutsideRegion, merge_region, region_part
from tests.web.pages.support import county


def two_counties() -> domain.Bundle:
    """小县 (xiao) as the factory makes it, and 大县 (da) with one school, teacher and classroom."""
    bundle = county()
    return dataclasses.replace(
        bundle,
        network_teachers=(
            *bundle.network_teachers,
            domain.NetworkTeacher("t-far", "r-far", "周老师", ("art",), (5,), 2, 6),
        ),
        needs=(*bundle.needs, domain.Need("c-far", "art", 1)),
    )


def ids(rows: tuple[object, ...]) -> set[str]:
    return {str(getattr(row, "id", "")) for row in rows}


def test_region_part_holds_only_the_regions_rows_and_the_shared_ones_it_uses() -> None:
    part = region_part(two_counties(), "da")
    assert (ids(part.regions), ids(part.schools), ids(part.assistants)) == (
        {"da"},
        {"r-far"},
        {"a-far"},
    )
    assert (ids(part.classrooms), ids(part.network_teachers), part.needs) == (
        {"c-far"},
        {"t-far"},
        (domain.Need("c-far", "art", 1),),
    )
    assert (ids(part.alliances), part.busy_blocks, part.events, part.pinned_sessions) == (
        set(),
        (),
        (),
        (),
    )
    assert (ids(part.subjects), ids(part.bell_schedules)) == ({"music", "art"}, {"rural"})


def test_merge_region_of_an_edited_own_part_changes_only_that_region() -> None:
    current = two_counties()
    part = region_part(current, "da")
    changed = dataclasses.replace(
        part, assistants=(domain.Assistant("a-far", "r-far", "孙老师", "13900000010"),)
    )
    merged = merge_region(current, changed, "da")
    assert region_part(merged, "xiao") == region_part(current, "xiao")
    assert merged.assistants[-1] == domain.Assistant("a-far", "r-far", "孙老师", "13900000010")


def test_merge_region_drops_own_rows_the_upload_leaves_out() -> None:
    current = two_counties()
    part = region_part(current, "da")
    merged = merge_region(current, dataclasses.replace(part, needs=()), "da")
    assert [need.classroom_id for need in merged.needs] == ["c-east-3", "c-east-4", "c-west-3"]


@pytest.mark.parametrize(
    ("change", "refused"),
    [
        (  # rename another county's school
            {"schools": domain.School("u-one", "改名小学", SchoolKind.URBAN, "xiao", "urban")},
            ["schools:u-one"],
        ),
        (  # take another county's school into one's own region
            {"schools": domain.School("u-one", "城关一小", SchoolKind.URBAN, "da", "urban")},
            ["schools:u-one"],
        ),
        (  # a classroom in another county's school
            {"classrooms": domain.Classroom("c-new", "r-east", "六年级", 6, 30, "a-li")},
            ["classrooms:c-new"],
        ),
        (  # another county's assistant's phone
            {"assistants": domain.Assistant("a-li", "r-east", "李老师", "13000000000")},
            ["assistants:a-li"],
        ),
        (  # a subject every county shares
            {"subjects": domain.Subject("music", "音乐课", "Music")},
            ["subjects:music"],
        ),
        (  # an alliance reaching into the other county
            {"alliances": domain.Alliance("cross", "跨县联盟", AllianceKind.PAIRING, "u-one")},
            ["alliances:cross"],
        ),
    ],
)
def test_merge_region_refuses_rows_beyond_the_region_and_names_them(
    change: dict[str, object], refused: list[str]
) -> None:
    current = two_counties()
    part = region_part(current, "da")
    table, row = next(iter(change.items()))
    rows: dict[str, Any] = {table: (*getattr(part, table), row)}
    upload = dataclasses.replace(part, **rows)
    with pytest.raises(OutsideRegion) as error:
        merge_region(current, upload, "da")
    assert list(error.value.names) == refused


def test_merge_region_adds_a_new_shared_subject() -> None:
    current = two_counties()
    part = region_part(current, "da")
    science = domain.Subject("science", "科学", "Science")
    merged = merge_region(current, dataclasses.replace(part, subjects=(science,)), "da")
    assert ids(merged.subjects) == {"music", "art", "science"}


def test_merge_region_keeps_the_other_countys_rows_repeated_unchanged() -> None:
    current = two_counties()
    upload = dataclasses.replace(region_part(current, "da"), regions=current.regions)
    assert merge_region(current, upload, "da") == current


def shorter_first_period(bundle: domain.Bundle, schedule: str) -> domain.Bundle:
    periods = tuple(
        dataclasses.replace(p, end=dt.time(p.start.hour, 30))
        if (p.bell_schedule_id, p.weekday, p.period) == (schedule, 1, 1)
        else p
        for p in bundle.bell_periods
    )
    return dataclasses.replace(bundle, bell_periods=periods)


def test_a_bell_schedule_only_the_regions_schools_ring_is_the_regions_to_change() -> None:
    current = two_counties()  # 小县's town school rings "urban"; both counties ring "rural"
    merged = merge_region(
        current, shorter_first_period(region_part(current, "xiao"), "urban"), "xiao"
    )
    assert [p for p in merged.bell_periods if p not in current.bell_periods] == [
        p
        for p in shorter_first_period(current, "urban").bell_periods
        if p not in current.bell_periods
    ]
    with pytest.raises(OutsideRegion) as refused:
        merge_region(current, shorter_first_period(region_part(current, "xiao"), "rural"), "xiao")
    assert refused.value.names == ("bell_periods:rural/1/1",)
