"""Sign in and out (rate-limited per account and per client address), and the language switch."""

from __future__ import annotations

import datetime as dt
import logging

from aiohttp import web

from coordinator.services.accounts.secret import secret_key
from coordinator.services.accounts.sign_in_links import (
    SignInLinkError,
    use_link,
    user_of_link,
)
from coordinator.services.accounts.users import User, authenticate
from coordinator.web.i18n import COOKIE, LANGUAGES, gettext_of
from coordinator.web.keys import SETTINGS, STORE
from coordinator.web.pages.access import home_of, safe_next
from coordinator.web.pages.base import page_context, person_name, render
from coordinator.web.pages.config import PAGES
from coordinator.web.pages.ratelimit import client_address
from coordinator.web.session import current_user, sign_in, sign_out

log = logging.getLogger(__name__)
YEAR = 365 * 24 * 3600


async def _form(
    request: web.Request, *, error: str = "", username: str = "", status: int = 200
) -> web.Response:
    context = await page_context(request)
    next_path = request.query.get("next", "")
    context.update(error=error, username=username, next=next_path)
    return render("signin.html", request, context, status=status)


async def signin_page(request: web.Request) -> web.StreamResponse:
    user = await current_user(request)
    if user is not None:
        raise web.HTTPSeeOther(safe_next(request.query.get("next"), home_of(user)))
    return await _form(request)


async def signin(request: web.Request) -> web.StreamResponse:
    pages, store = request.app[PAGES], request.app[STORE]
    address = client_address(request, pages.trusted_proxies)
    form = await request.post()
    username = str(form.get("username", ""))[:64].strip()
    now = pages.clock()
    wait = await pages.limiter.retry_after(store, address=address, username=username, now=now)
    if wait:
        log.warning("sign-in refused for %s from %s: too many failures", username, address)
        return await _too_many(request, username, wait)
    user = await authenticate(store, username, str(form.get("password", "")))
    if user is None:
        await pages.limiter.failed(store, address=address, username=username, now=now)
        message = gettext_of(request, "Wrong user name or password.")
        return await _form(request, error=message, username=username, status=401)
    await sign_in(request, user)
    log.info("%s signed in from %s", user.username, address)
    raise web.HTTPSeeOther(safe_next(str(form.get("next", "")), home_of(user)))


async def _too_many(request: web.Request, username: str, wait: int) -> web.Response:
    """429 with Retry-After, and the wait in minutes on the form."""
    message = gettext_of(request, "Too many failed sign-ins. Try again in %(minutes)d min.")
    response = await _form(
        request, error=message % {"minutes": -(-wait // 60)}, username=username, status=429
    )
    response.headers["Retry-After"] = str(wait)
    return response


async def signout(request: web.Request) -> web.StreamResponse:
    await sign_out(request)
    raise web.HTTPSeeOther("/signin")


async def home(request: web.Request) -> web.StreamResponse:
    user = await current_user(request)
    raise web.HTTPSeeOther(home_of(user) if user else "/signin")


LINK_STATUS = {"invalid": 404, "expired": 410, "revoked": 410, "used": 410}


async def _link_user(request: web.Request, *, use: bool) -> User | SignInLinkError:
    """Whom the link signs in (`use`: and use it up), or why it does not."""
    now = request.app[PAGES].clock().astimezone(dt.UTC)
    secret = secret_key(request.app[SETTINGS])
    check = use_link if use else user_of_link
    try:
        return await check(request.app[STORE], secret, request.match_info["token"], now=now)
    except SignInLinkError as error:
        return error


async def _link_refused(request: web.Request, error: SignInLinkError) -> web.StreamResponse:
    signed_in = await current_user(request)
    if signed_in is not None and signed_in.id == error.user_id:  # used here: already signed in
        raise web.HTTPSeeOther(home_of(signed_in))
    context = await page_context(request)
    context.update(link_user=None, reason=error.reason)
    return render("link.html", request, context, status=LINK_STATUS[error.reason])


async def link_page(request: web.Request) -> web.StreamResponse:
    """A personal sign-in link: who it signs in, and one button (link previews sign nobody in
    and use nothing up)."""
    user = await _link_user(request, use=False)
    if isinstance(user, SignInLinkError):
        return await _link_refused(request, user)
    signed_in = await current_user(request)
    if signed_in is not None and signed_in.id == user.id:
        raise web.HTTPSeeOther(home_of(user))
    context = await page_context(request)
    context.update(link_user=user, link_name=await person_name(request, user), reason="")
    return render("link.html", request, context)


async def link_sign_in(request: web.Request) -> web.StreamResponse:
    """The button: the link is used up and this device signed in."""
    user = await _link_user(request, use=True)
    if isinstance(user, SignInLinkError):
        return await _link_refused(request, user)
    await sign_in(request, user)
    address = client_address(request, request.app[PAGES].trusted_proxies)
    log.info("%s signed in with a personal link from %s", user.username, address)
    raise web.HTTPSeeOther(home_of(user))


async def switch_language(request: web.Request) -> web.StreamResponse:
    """POST lang=zh|en: remembered in a cookie for a year; back to the page it came from."""
    form = await request.post()
    chosen = str(form.get("lang", ""))
    response = web.HTTPSeeOther(safe_next(str(form.get("next", "")), "/"))
    if chosen in LANGUAGES:
        response.set_cookie(COOKIE, chosen, max_age=YEAR, path="/", samesite="Lax", httponly=True)
    raise response


def routes() -> list[web.RouteDef]:
    return [
        web.get("/", home),
        web.get("/signin", signin_page),
        web.post("/signin", signin),
        web.post("/signout", signout),
        web.get("/a/{token}", link_page),
        web.post("/a/{token}", link_sign_in),
        web.post("/lang", switch_language),
    ]
