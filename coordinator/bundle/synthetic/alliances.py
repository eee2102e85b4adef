"""Pairing alliances and education groups between urban and rural schools."""

from __future__ import annotations

from coordinator.bundle.synthetic.draft import Draft
from coordinator.domain import (
    Alliance,
    AllianceMember,
    School,
)
from coordinator.enums import (
    AllianceKind,
)


def serves_middle(school: School) -> bool:
    return school.bell_schedule_id in ("urban-middle", "rural-middle", "nine-year")


def draw_pairings(draft: Draft, urban: list[School], rural: list[School]) -> None:
    """结对帮扶: every rural school pairs with one urban school of its band in its region."""
    order = list(rural)
    draft.rng.shuffle(order)
    for middle in (False, True):
        leads = [u for u in urban if serves_middle(u) == middle] or urban
        takers = [r for r in order if serves_middle(r) == middle]
        for index, lead in enumerate(leads):
            if members := takers[index :: len(leads)]:
                alliance = add_alliance(
                    draft, f"{lead.name}城乡结对帮扶共同体", AllianceKind.PAIRING, lead
                )
                draft.members += [
                    AllianceMember(alliance.id, m.id, draft.rng.randint(1, 3)) for m in members
                ]


def draw_groups(draft: Draft, urban: list[School], rural: list[School]) -> None:
    """集团化办学: a region's 实验 school leads another urban school and a few town schools."""
    for middle in (False, True):
        band = [u for u in urban if serves_middle(u) == middle]
        towns = [r for r in rural if serves_middle(r) == middle and "镇" in r.name]
        if len(band) < 2 or not towns:
            continue
        group = add_alliance(draft, f"{band[0].name}教育集团", AllianceKind.GROUP, band[0])
        draft.members.append(AllianceMember(group.id, band[1].id))
        picked = draft.rng.sample(towns, min(len(towns), draft.rng.randint(2, 4)))
        draft.members += [AllianceMember(group.id, town.id, 2) for town in picked]


def add_alliance(draft: Draft, name: str, kind: AllianceKind, lead: School) -> Alliance:
    prefix = "pair" if kind is AllianceKind.PAIRING else "group"
    alliance = Alliance(draft.new_id(prefix, 4), name, kind, lead.id)
    draft.alliances.append(alliance)
    return alliance
