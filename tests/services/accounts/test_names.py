"""User names and passwords: the rules, and accounts made and signed in to through the store."""

from __future__ import annotations

import datetime as dt

import pytest

from coordinator.services.accounts import changes as account_changes
from coordinator.services.accounts import users as accounts
from coordinator.services.accounts.names import (
    PolicyError,
    check_password,
    clean_username,
    username_key,
)
from coordinator.services.accounts.users import AccountError, add_user, authenticate
from coordinator.services.data.imports import import_bundle
from coordinator.store import Store
from tests.web.pages.support import TEST_HASHER, county

NOW = dt.datetime(2026, 11, 23, 2, 30, tzinfo=dt.UTC)
GOOD = "correct horse battery"


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(accounts, "HASHER", TEST_HASHER)


@pytest.mark.parametrize(
    ("password", "username", "why"),
    [
        ("        ", "li", "only spaces"),
        ("\u3000" * 8, "li", "only spaces"),
        ("12345678", "li", "everyone tries first"),
        ("PASSWORD", "li", "everyone tries first"),
        ("ｐａｓｓｗｏｒｄ", "li", "everyone tries first"),  # full-width
        ("zzzzzzzzzz", "li", "everyone tries first"),
        ("wangli-teacher", "wangli", "contain the user name"),
        ("WangLi2026!", "wangli", "contain the user name"),
        ("short", "li", "at least 8 characters"),
        ("x" * 257, "li", "more than 256"),
    ],
)
def test_password_is_refused_with_a_reason_in_both_languages(
    password: str, username: str, why: str
) -> None:
    with pytest.raises(PolicyError, match=why) as refused:
        check_password(password, username)
    assert refused.value.chinese in str(refused.value)


def test_password_that_is_long_and_uncommon_is_accepted() -> None:
    check_password(GOOD, "li")
    check_password("li-has-a-long-one", "li")  # two letters are no name to look for


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("li ", "no spaces at the start or the end"),
        (" li", "no spaces at the start or the end"),
        ("wang li", "U\\+0020"),
        ("li\u200b", "U\\+200B"),  # zero-width space
        ("li\u202eil", "U\\+202E"),  # right-to-left override
        ("li\x07", "U\\+0007"),
        ("\u0430dmin", "U\\+0430"),  # Cyrillic а
        ("pаypal", "U\\+0430"),
        ("王li", "not both"),
        ("l" * 65, "more than 64"),
    ],
)
def test_user_name_is_refused_with_a_reason(raw: str, why: str) -> None:
    with pytest.raises(PolicyError, match=why):
        clean_username(raw)


def test_user_name_is_normalised_and_compared_in_any_case_and_width() -> None:
    assert clean_username("ｗａｎｇ－ｌｉ") == "wang-li"  # full-width, as some phones type
    assert clean_username("王丽") == "王丽"
    assert clean_username("阿依古丽·买买提") == "阿依古丽·买买提"
    assert clean_username("José.m@x") == "José.m@x"
    assert username_key("Wang-Li") == username_key("ｗａｎｇ－ｌｉ") == "wang-li"


async def add(store: Store, username: str, password: str = GOOD) -> accounts.User:
    return await add_user(
        store,
        username=username,
        password=password,
        role="assistant",
        scope="assistant:a-li",
        now=NOW,
        actor="cli",
    )


async def test_user_names_are_unique_in_any_case(store: Store) -> None:
    await import_bundle(store, county(), source="test", now=NOW)
    made = await add(store, "Li")
    with pytest.raises(AccountError, match="'li' already exists \\(as 'Li'\\)"):
        await add(store, "li")
    with pytest.raises(AccountError, match="already exists"):
        await add(store, "ＬＩ")
    signed_in = [await authenticate(store, name, GOOD) for name in ("Li", "li", " LI ", "ｌｉ")]
    assert signed_in == [made] * 4


async def test_weak_passwords_and_look_alike_names_are_refused_when_adding(
    store: Store,
) -> None:
    await import_bundle(store, county(), source="test", now=NOW)
    with pytest.raises(PolicyError, match="everyone tries first"):
        await add(store, "li", "password")
    with pytest.raises(PolicyError, match="contain the user name"):
        await add(store, "zhaoli", "zhaoli1234")
    with pytest.raises(PolicyError, match="U\\+0430"):
        await add(store, "\u0430dmin")
    await add(store, "li")
    with pytest.raises(PolicyError, match="only spaces"):
        await account_changes.change_password(store, "li", " " * 8, now=NOW, actor="cli")
    assert await authenticate(store, "li", GOOD) is not None
