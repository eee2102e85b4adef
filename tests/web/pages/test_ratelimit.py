"""The sign-in limits over real HTTP (per address, per account, shared by workers) and the
real client address behind trusted proxies only."""

from __future__ import annotations

import re

from aiohttp import ClientResponse
from aiohttp.test_utils import make_mocked_request
from pytest_aiohttp import AiohttpClient

from coordinator.store import Store
from coordinator.web.pages.config import PagesConfig
from coordinator.web.pages.ratelimit import client_address
from tests.web.pages.support import NOW, PASSWORD, Client, app_for, csrf_of

PROXY = ("127.0.0.0/8", "::1/128")  # the test client is the trusted proxy; XFF names the client


async def attempt(
    client: Client, username: str, password: str, *, address: str = "", language: str = "zh"
) -> ClientResponse:
    client.session.cookie_jar.clear()  # a new session each time: no state the limit relies on
    client.session.cookie_jar.update_cookies({"lang": language})
    token = await csrf_of(client)
    headers = {"Accept-Language": language}
    if address:
        headers["X-Forwarded-For"] = address
    return await client.post(
        "/signin",
        data={"_csrf": token, "username": username, "password": password},
        headers=headers,
        allow_redirects=False,
    )


async def test_sign_in_limit_is_not_reset_by_another_accounts_success(client: Client) -> None:
    statuses = []
    for _ in range(3):  # 4 guesses at the admin, then one's own account, over and over
        for guess in range(4):
            statuses.append((await attempt(client, "admin", f"guess-{guess}")).status)
        statuses.append((await attempt(client, "li", PASSWORD)).status)
    assert statuses[:6] == [401, 401, 401, 401, 303, 401]
    assert set(statuses[6:]) == {429}


async def test_sign_in_limit_counts_guesses_at_one_account_from_many_addresses(
    aiohttp_client: AiohttpClient, arranged: Store
) -> None:
    client = await aiohttp_client(app_for(arranged, PagesConfig(PROXY, clock=lambda: NOW)))
    guesses = [
        (await attempt(client, "admin", "guess", address=f"203.0.113.{n}")).status
        for n in range(10)
    ]
    right_password = await attempt(client, "Admin ", PASSWORD, address="198.51.100.1")
    other_account = await attempt(client, "wang", PASSWORD, address="198.51.100.2")
    assert guesses == [401] * 10
    assert (right_password.status, other_account.status) == (429, 303)


async def test_sign_in_limit_is_shared_by_every_worker(
    aiohttp_client: AiohttpClient, arranged: Store
) -> None:
    first = await aiohttp_client(app_for(arranged))
    second = await aiohttp_client(app_for(arranged))
    statuses = [(await attempt(w, "wang", "guess")).status for w in (first, second) * 3]
    assert statuses == [401] * 5 + [429]


async def test_too_many_sign_ins_answer_429_with_retry_after_in_both_languages(
    client: Client,
) -> None:
    for _ in range(5):
        await attempt(client, "nobody", "guess")
    chinese = await attempt(client, "nobody", "guess")
    english = await attempt(client, "nobody", "guess", language="en")
    assert (chinese.status, english.status) == (429, 429)
    assert 0 < int(chinese.headers["Retry-After"]) <= 300
    assert re.search(r"请 \d 分钟后再试", await chinese.text())
    assert re.search(r"Try again in \d min", await english.text())


def test_forwarded_for_is_ignored_without_trusted_proxies() -> None:
    request = make_mocked_request(
        "POST",
        "/signin",
        headers={"X-Forwarded-For": "203.0.113.9"},
        transport=_transport("192.0.2.1"),
    )
    assert client_address(request, ()) == "192.0.2.1"


def test_forwarded_for_from_a_trusted_proxy_names_the_client() -> None:
    request = make_mocked_request(
        "POST",
        "/signin",
        headers={"X-Forwarded-For": "198.51.100.7, 203.0.113.9, 10.0.0.2"},
        transport=_transport("10.0.0.1"),
    )
    assert client_address(request, ("10.0.0.0/8",)) == "203.0.113.9"


def _transport(peer: str) -> object:
    class Transport:
        def get_extra_info(self, name: str, default: object = None) -> object:
            return (peer, 4321) if name == "peername" else default

    return Transport()
