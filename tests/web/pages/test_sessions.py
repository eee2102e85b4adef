"""Sessions kept in the store: signing out ends every copy of the cookie, over real HTTP."""

from __future__ import annotations

from sqlmodel import func, select

from coordinator import models
from coordinator.services.accounts import changes as account_changes
from coordinator.store import Store
from tests.web.pages.support import CSRF, NOW, Client, csrf_of, sign_in

COOKIE = "coordinator_session"


async def signed_in_cookie(client: Client, username: str) -> str:
    assert await sign_in(client, username) == 303
    cookie = client.session.cookie_jar.filter_cookies(client.make_url("/"))[COOKIE]
    return cookie.value


async def use_copy(client: Client, cookie: str) -> None:
    client.session.cookie_jar.clear()
    client.session.cookie_jar.update_cookies({COOKIE: cookie})


async def test_a_cookie_copied_before_signing_out_no_longer_signs_in(client: Client) -> None:
    copied = await signed_in_cookie(client, "li")
    page = await (await client.get("/assistant")).text()
    found = CSRF.search(page)
    assert found is not None
    await client.post("/signout", data={"_csrf": found[1]}, allow_redirects=False)

    await use_copy(client, copied)
    phone = await client.get("/assistant", allow_redirects=False)
    minted = await client.post("/assistant/token.json", headers={"X-CSRF-Token": found[1]})
    assert (phone.status, phone.headers["Location"]) == (303, "/signin?next=/assistant")
    assert minted.status == 401


async def test_signing_out_one_phone_leaves_the_other_signed_in(client: Client) -> None:
    first = await signed_in_cookie(client, "li")
    client.session.cookie_jar.clear()
    second = await signed_in_cookie(client, "li")
    await client.post("/signout", data={"_csrf": await csrf_of(client, "/assistant")})

    await use_copy(client, first)
    still = await client.get("/assistant", allow_redirects=False)
    await use_copy(client, second)
    ended = await client.get("/assistant", allow_redirects=False)
    assert (still.status, ended.status) == (200, 303)


async def test_signing_out_everywhere_ends_every_stored_session(
    client: Client, arranged: Store
) -> None:
    copied = await signed_in_cookie(client, "wang")
    await account_changes.end_sessions(arranged, "wang", now=NOW, actor="cli")
    await use_copy(client, copied)
    page = await client.get("/teachers/t-wang", allow_redirects=False)
    async with arranged.read() as session:
        query = select(func.count()).select_from(models.SignInSessionRow)
        left = (await session.exec(query)).one()
    assert (page.status, left) == (303, 0)
