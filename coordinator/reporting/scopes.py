"""Which narrower scopes an admin may report on: only ones wholly inside the admin's own."""

from __future__ import annotations

from dataclasses import dataclass

from coordinator.reporting.facts import Catalog, Label, ReportError, Scope, ScopeFilter
from coordinator.reporting.labels import classroom_label


@dataclass(frozen=True, slots=True)
class ScopeChoice:
    scope: ScopeFilter
    label: Label

    @property
    def value(self) -> str:
        """As the page's `scope` parameter carries it, e.g. school:r-east."""
        return f"{self.scope.kind.value}:{self.scope.id}"


def within(catalog: Catalog, wanted: ScopeFilter, own: ScopeFilter) -> bool:
    """True when every school `wanted` covers (retired ones too) is one of `own`'s.

    Unknown ids are simply not within, so a probe cannot tell "foreign" from "missing".
    """
    try:
        wanted_schools, own_schools = wanted.schools(catalog), own.schools(catalog)
    except ReportError:
        return False
    return bool(wanted_schools) and wanted_schools <= own_schools


def scope_choices(catalog: Catalog, own: ScopeFilter) -> list[ScopeChoice]:
    """The admin's own scope first, then the alliances and the schools inside it, by name."""
    choices = [ScopeChoice(own, _name_of(catalog, own))]
    alliances = [
        ScopeChoice(ScopeFilter(Scope.ALLIANCE, a.id), Label(a.name, a.name))
        for a in catalog.alliances.values()
        if not a.retired and ScopeFilter(Scope.ALLIANCE, a.id) != own
    ]
    schools = [
        ScopeChoice(ScopeFilter(Scope.SCHOOL, s.id), Label(s.name, s.name))
        for s in catalog.schools.values()
        if not s.retired
    ]
    for group in (alliances, schools):
        group.sort(key=lambda choice: (choice.label.zh, choice.scope.id))
        choices += [c for c in group if within(catalog, c.scope, own)]
    return choices


def _name_of(catalog: Catalog, scope: ScopeFilter) -> Label:
    tables: dict[Scope, dict[str, str]] = {
        Scope.REGION: {r.id: r.name for r in catalog.regions.values()},
        Scope.ALLIANCE: {a.id: a.name for a in catalog.alliances.values()},
        Scope.SCHOOL: {s.id: s.name for s in catalog.schools.values()},
        Scope.CLASSROOM: {c.id: c.name for c in catalog.classrooms.values()},
    }
    name = tables[scope.kind].get(scope.id, scope.id)
    return Label(name, name)


def scope_label(catalog: Catalog, scope: ScopeFilter) -> Label:
    """The scope's name in both languages (a classroom with its school's name)."""
    if scope.kind is Scope.CLASSROOM:
        return classroom_label(scope.id, catalog)
    return _name_of(catalog, scope)
