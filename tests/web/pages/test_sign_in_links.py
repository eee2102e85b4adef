"""Personal sign-in links and ending sessions: a lost phone is cut off at once, over real HTTP."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlmodel import select

from coordinator import models
from coordinator.attendance import AuthenticationError
from coordinator.errors import NotFoundError
from coordinator.observability.logs import scrub
from coordinator.services.accounts import changes as account_changes
from coordinator.services.accounts.api_tokens import authenticate as api_authenticate
from coordinator.services.accounts.api_tokens import issue_token
from coordinator.services.accounts.sign_in_links import (
    SignInLinkError,
    issue_link,
    link_url,
    use_link,
    user_of_link,
)
from coordinator.services.accounts.users import AccountError, User, authenticate
from coordinator.store import Store
from tests.web.pages.support import NOW, PASSWORD, SECRET, Client, csrf_of, sign_in

KEY = SECRET.encode()
CSRF = re.compile(r'name="_csrf" value="([^"]+)"')


async def active(store: Store, username: str) -> User:
    return await account_changes.active_user(store, username)


async def open_link(client: Client, token: str) -> tuple[int, str]:
    page = await client.get(f"/a/{token}", allow_redirects=False)
    return page.status, await page.text()


async def follow_link(client: Client, token: str) -> str:
    """Open the link and press its one button, as the assistant does; where it lands."""
    status, page = await open_link(client, token)
    assert status == 200, page
    found = CSRF.search(page)
    assert found is not None
    pressed = await client.post(
        f"/a/{token}", data={"_csrf": found.group(1)}, allow_redirects=False
    )
    assert pressed.status == 303
    return pressed.headers["Location"]


async def test_a_link_signs_the_assistant_in_after_one_button(
    client: Client, arranged: Store
) -> None:
    token = await issue_link(arranged, await active(arranged, "li"), KEY, now=NOW)
    status, page = await open_link(client, token)
    assert (status, "以 李老师 登录" in page) == (200, True)  # the name, not the user name
    assert (await client.get("/assistant", allow_redirects=False)).status == 303  # not yet
    assert await follow_link(client, token) == "/assistant"
    assistant_page = await client.get("/assistant", allow_redirects=False)
    assert assistant_page.status == 200
    assert "李老师 · 助教" in await assistant_page.text()  # the header names the person
    again = await client.get(f"/a/{token}", allow_redirects=False)  # already signed in: home
    assert (again.status, again.headers["Location"]) == (303, "/assistant")


async def test_ending_sessions_cuts_off_the_phone_and_every_earlier_link(
    client: Client, arranged: Store
) -> None:
    token = await issue_link(arranged, await active(arranged, "li"), KEY, now=NOW)
    assert await follow_link(client, token) == "/assistant"
    await account_changes.end_sessions(arranged, "li", now=NOW, actor="admin")

    phone = await client.get("/assistant", allow_redirects=False)
    status, page = await open_link(client, token)
    fresh = await issue_link(arranged, await active(arranged, "li"), KEY, now=NOW)
    assert (phone.status, phone.headers["Location"]) == (303, "/signin?next=/assistant")
    assert (status, "revoked" in page or "撤销" in page) == (410, True)
    assert await follow_link(client, fresh) == "/assistant"  # a new link works


async def test_expired_damaged_and_foreign_links_say_why(client: Client, arranged: Store) -> None:
    user = await active(arranged, "li")
    expired = await issue_link(arranged, user, KEY, now=NOW - dt.timedelta(days=8))
    foreign = await issue_link(arranged, user, b"another server's secret", now=NOW)
    damaged = (await issue_link(arranged, user, KEY, now=NOW))[:-3] + "AAA"
    client.session.cookie_jar.update_cookies({"lang": "en"})
    answers = {
        name: await open_link(client, t)
        for name, t in (("expired", expired), ("foreign", foreign), ("damaged", damaged))
    }
    assert {name: status for name, (status, _) in answers.items()} == {
        "expired": 410,
        "foreign": 404,
        "damaged": 404,
    }
    assert "expired" in answers["expired"][1]
    assert "not valid" in answers["foreign"][1]
    pressed = await client.post(
        f"/a/{expired}", data={"_csrf": await csrf_of(client)}, allow_redirects=False
    )
    assert pressed.status == 410
    assert (await client.get("/assistant", allow_redirects=False)).status == 303


async def test_pressing_the_button_needs_the_pages_csrf_token(
    client: Client, arranged: Store
) -> None:
    token = await issue_link(arranged, await active(arranged, "li"), KEY, now=NOW)
    forged = await client.post(f"/a/{token}", data={}, allow_redirects=False)
    assert forged.status == 403
    assert (await client.get("/assistant", allow_redirects=False)).status == 303


async def test_new_password_disable_and_enable_end_sessions_and_are_audited(
    client: Client, arranged: Store
) -> None:
    assert await sign_in(client, "li") == 303
    await account_changes.change_password(
        arranged, "li", "a new long password", now=NOW, actor="admin"
    )
    cut_off = await client.get("/assistant", allow_redirects=False)
    assert cut_off.status == 303
    assert await authenticate(arranged, "li", PASSWORD) is None
    assert await authenticate(arranged, "li", "a new long password") is not None

    await account_changes.disable(arranged, "li", now=NOW, actor="admin")
    assert await authenticate(arranged, "li", "a new long password") is None
    with pytest.raises(AccountError, match="disabled"):
        await active(arranged, "li")
    await account_changes.enable(arranged, "li", now=NOW, actor="admin")
    assert await sign_in(client, "li", "a new long password") == 303

    async with arranged.read() as session:
        query = select(models.AuditRow).where(models.AuditRow.object_id == "li")
        entries = [(row.action, row.details) for row in (await session.exec(query)).all()]
    scope = {"scope": "assistant:a-li", "api_tokens_revoked": 0}
    assert entries[-3:] == [
        ("user.password", scope),
        ("user.disable", scope),
        ("user.enable", scope),
    ]


async def test_signing_out_everywhere_revokes_the_phones_api_tokens(arranged: Store) -> None:
    phone = await issue_token(arranged, assistant_id="a-li", now=NOW, label="phone page")
    other = await issue_token(arranged, assistant_id="a-zhao", now=NOW)
    assert await api_authenticate(arranged, phone.token) == "a-li"
    await account_changes.end_sessions(arranged, "li", now=NOW, actor="admin")
    with pytest.raises(AuthenticationError):
        await api_authenticate(arranged, phone.token)
    assert await api_authenticate(arranged, other.token) == "a-zhao"


async def test_a_link_made_before_disabling_does_not_outlive_it(arranged: Store) -> None:
    token = await issue_link(arranged, await active(arranged, "li"), KEY, now=NOW)
    await account_changes.disable(arranged, "li", now=NOW, actor="admin")
    await account_changes.enable(arranged, "li", now=NOW, actor="admin")
    with pytest.raises(SignInLinkError) as refused:
        await user_of_link(arranged, KEY, token, now=NOW)
    assert refused.value.reason == "revoked"


async def test_unknown_users_are_named(arranged: Store) -> None:
    with pytest.raises(NotFoundError, match="'nobody': no such user"):
        await account_changes.end_sessions(arranged, "nobody", now=NOW, actor="admin")


def test_link_url_joins_the_public_address() -> None:
    assert link_url("https://c.example.cn/", "abc.def") == "https://c.example.cn/a/abc.def"


async def test_real_links_are_scrubbed_from_logs(arranged: Store) -> None:
    token = await issue_link(arranged, await active(arranged, "li"), KEY, now=NOW)
    url = link_url("https://c.example.cn", token)
    assert scrub(f"GET {url} 200") == "GET https://c.example.cn/a/[token] 200"


async def test_a_link_signs_in_once_and_never_again_on_another_device(
    client: Client, arranged: Store
) -> None:
    token = await issue_link(arranged, await active(arranged, "li"), KEY, now=NOW)
    page = await client.get(f"/a/{token}")  # a chat app's preview: uses nothing up
    assert page.status == 200
    assert await follow_link(client, token) == "/assistant"
    same_phone = await client.get(f"/a/{token}", allow_redirects=False)

    client.session.cookie_jar.clear()  # another device, with the forwarded link
    client.session.cookie_jar.update_cookies({"lang": "en"})
    status, text = await open_link(client, token)
    pressed = await client.post(
        f"/a/{token}", data={"_csrf": await csrf_of(client)}, allow_redirects=False
    )
    assert (same_phone.status, same_phone.headers["Location"]) == (303, "/assistant")
    assert (status, "used already" in text) == (410, True)
    assert pressed.status == 410
    assert (await client.get("/assistant", allow_redirects=False)).status == 303


async def test_a_link_is_used_once_even_when_pressed_twice_at_once(arranged: Store) -> None:
    token = await issue_link(arranged, await active(arranged, "li"), KEY, now=NOW)
    await use_link(arranged, KEY, token, now=NOW)
    with pytest.raises(SignInLinkError) as refused:
        await use_link(arranged, KEY, token, now=NOW)
    assert refused.value.reason == "used"


async def test_links_are_refused_for_admins(arranged: Store) -> None:
    admin = await active(arranged, "admin")
    with pytest.raises(AccountError, match="'admin' is an admin: personal sign-in links are"):
        await issue_link(arranged, admin, KEY, now=NOW)


async def test_links_last_seven_days_by_default_and_thirty_at_most(arranged: Store) -> None:
    user = await active(arranged, "li")
    token = await issue_link(arranged, user, KEY, now=NOW - dt.timedelta(days=7))
    with pytest.raises(AccountError, match="at most 30 days"):
        await issue_link(arranged, user, KEY, now=NOW, lifetime=dt.timedelta(days=31))
    assert (await user_of_link(arranged, KEY, token, now=NOW)).username == "li"
    with pytest.raises(SignInLinkError) as refused:
        await user_of_link(arranged, KEY, token, now=NOW + dt.timedelta(seconds=1))
    assert refused.value.reason == "expired"
