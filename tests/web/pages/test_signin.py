"""Signing in and out over real HTTP: passwords, rate limits, CSRF, cookies, redirects."""

from __future__ import annotations

import pytest
from aiohttp import ClientResponse

from tests.web.pages.support import PASSWORD, Client, csrf_of, sign_in


async def post_signin(client: Client, username: str, password: str, **extra: str) -> ClientResponse:
    token = await csrf_of(client)
    data = {"_csrf": token, "username": username, "password": password, **extra}
    return await client.post("/signin", data=data, allow_redirects=False)


async def test_sign_in_lands_on_the_role_home_with_a_safe_long_cookie(client: Client) -> None:
    admin = await post_signin(client, "admin", PASSWORD)
    client.session.cookie_jar.clear()
    assistant = await post_signin(client, "li", PASSWORD)
    cookie = assistant.cookies["coordinator_session"]
    assert admin.headers["Location"] == "/today"
    assert assistant.headers["Location"] == "/assistant"
    assert (cookie["httponly"], cookie["samesite"]) == (True, "Lax")
    assert int(cookie["max-age"]) >= 90 * 24 * 3600  # assistants stay signed in on phones
    assert "a-li" not in cookie.value  # encrypted


async def test_sign_out_ends_the_session_and_next_never_leaves_the_site(client: Client) -> None:
    own = await post_signin(client, "admin", PASSWORD, next="/audit")
    await client.post("/signout", data={"_csrf": await csrf_of(client, "/today")})
    after = await client.get("/today", allow_redirects=False)
    foreign = await post_signin(client, "admin", PASSWORD, next="//evil.example/")
    locations = [r.headers["Location"] for r in (own, after, foreign)]
    assert locations == ["/audit", "/signin?next=/today", "/today"]


async def test_wrong_passwords_are_refused_then_rate_limited_per_address(client: Client) -> None:
    token = await csrf_of(client)
    first = await client.post(
        "/signin", data={"_csrf": token, "username": "admin", "password": "not-the-password"}
    )
    unknown_user = await sign_in(client, "nobody", PASSWORD)
    still_out = await client.get("/today", allow_redirects=False)
    statuses = [await sign_in(client, "admin", f"wrong-{n}") for n in range(3)]
    token = await csrf_of(client)
    response = await client.post(
        "/signin",
        data={"_csrf": token, "username": "admin", "password": PASSWORD},
        headers={"Accept-Language": "en"},
    )
    assert (first.status, unknown_user, still_out.status, statuses) == (401, 401, 303, [401] * 3)
    assert "用户名或密码错误" in await first.text()
    assert response.status == 429
    assert 0 < int(response.headers["Retry-After"]) <= 300
    assert "Too many failed sign-ins. Try again in 5 min." in await response.text()


async def test_unsafe_requests_without_the_sessions_csrf_token_are_refused(
    client: Client,
) -> None:
    missing = await client.post("/signin", data={"username": "admin", "password": PASSWORD})
    foreign = await csrf_of(client)
    client.session.cookie_jar.clear()
    wrong = await client.post(
        "/signin", data={"_csrf": foreign, "username": "admin", "password": PASSWORD}
    )
    await sign_in(client, "wang")
    rotate = await client.post("/calendars/rotate", data={"owner": "teacher:t-wang"})
    statuses = (missing.status, wrong.status, rotate.status)
    assert statuses == (403, 403, 403)
    assert "表单已过期" in await missing.text()


async def test_chinese_by_default_english_from_the_browser_and_the_switch(client: Client) -> None:
    default = await (await client.get("/signin")).text()
    english = await (
        await client.get("/signin", headers={"Accept-Language": "en-GB,en;q=0.9"})
    ).text()
    token = await csrf_of(client)
    await client.post("/lang", data={"_csrf": token, "lang": "zh", "next": "/signin"})
    switched = await (await client.get("/signin", headers={"Accept-Language": "en"})).text()
    found = ("<h1>登录</h1>" in default, "<h1>Sign in</h1>" in english, "<h1>登录</h1>" in switched)
    assert found == (True, True, True)


FOREIGN_NEXTS = (
    "/%09/evil.example/",
    "/\t/evil.example/",
    "/%0a/evil.example/",
    "/\\evil.example/",
    "/%5Cevil.example/",
    "/%2F/evil.example/",
    "/%252F/evil.example/",
    "https://evil.example/",
    "//evil.example/",
    "%2F%2Fevil.example/",
)


@pytest.mark.parametrize("target", FOREIGN_NEXTS)
async def test_next_to_another_site_is_ignored_when_signed_in(client: Client, target: str) -> None:
    await post_signin(client, "admin", PASSWORD)
    page = await client.get("/signin", params={"next": target}, allow_redirects=False)
    assert (page.status, page.headers["Location"]) == (303, "/today")


@pytest.mark.parametrize("target", FOREIGN_NEXTS[:7])
async def test_next_to_another_site_is_ignored_when_signing_in(client: Client, target: str) -> None:
    response = await post_signin(client, "admin", PASSWORD, next=target)
    assert response.headers["Location"] == "/today"


async def test_next_within_the_site_is_followed_with_its_query(client: Client) -> None:
    response = await post_signin(client, "admin", PASSWORD, next="/audit?actor=cli")
    assert response.headers["Location"] == "/audit?actor=cli"


async def test_sign_in_finds_the_user_name_in_any_case_and_width(client: Client) -> None:
    typed = [await post_signin(client, name, PASSWORD) for name in ("Admin", "ＡＤＭＩＮ")]
    assert [r.headers["Location"] for r in typed] == ["/today", "/today"]
