"""The rebalance page's names: people and classrooms outside the admin's scope stay unnamed."""

from __future__ import annotations

import datetime as dt

from coordinator.services.accounts.users import Scope, User
from coordinator.services.data.directory import Directory
from coordinator.web.pages.access import Viewer
from coordinator.web.pages.rebalance_names import Namer
from tests.web.pages.support import county

MASKS = {"outside your scope": "不在您的管理范围内", "a classroom outside your scope": "范围外"}


def namer_for(scope: Scope) -> Namer:
    directory = Directory.of(county())
    user = User(1, "east-admin", "admin", "alliance", "pair-east", "zh", 0)
    return Namer(
        directory, Viewer(user, scope, directory), "zh", MASKS.__getitem__, dt.date(2026, 11, 23)
    )


def test_namer_names_teachers_and_classrooms_inside_the_scope() -> None:
    namer = namer_for(Scope(teachers=frozenset({"t-wang"}), classrooms=frozenset({"c-east-3"})))

    assert (namer.teacher("t-wang"), namer.classroom("c-east-3")) == (
        "王丽（城关一小）",
        "东村小学 三年级（1）班",
    )


def test_namer_leaves_teachers_and_classrooms_outside_the_scope_unnamed() -> None:
    namer = namer_for(Scope(teachers=frozenset({"t-wang"}), classrooms=frozenset({"c-east-3"})))

    assert (namer.teacher("t-chen"), namer.classroom("c-west-3")) == (
        "不在您的管理范围内",
        "范围外",
    )
