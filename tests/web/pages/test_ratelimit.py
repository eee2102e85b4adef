"""The sign-in limiter and the real client address behind trusted proxies only."""

from __future__ import annotations

from aiohttp.test_utils import make_mocked_request

from coordinator.web.pages.ratelimit import SignInLimiter, client_address


def test_limiter_allows_attempts_then_asks_to_wait_until_the_oldest_expires() -> None:
    limiter = SignInLimiter(attempts=3, window_s=60)
    for moment in (0.0, 10.0, 20.0):
        limiter.failed("10.0.0.1", moment)
    assert (limiter.retry_after("10.0.0.1", 30.0), limiter.retry_after("10.0.0.2", 30.0)) == (30, 0)
    assert limiter.retry_after("10.0.0.1", 61.0) == 0


def test_success_clears_the_address() -> None:
    limiter = SignInLimiter(attempts=1, window_s=60)
    limiter.failed("10.0.0.1", 0.0)
    limiter.succeeded("10.0.0.1")
    assert limiter.retry_after("10.0.0.1", 1.0) == 0


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
