"""Calendars: subscribe buttons (webcal, https, QR), rotate one's own feed; admins revoke."""

from __future__ import annotations

import io
from dataclasses import dataclass

import segno
from aiohttp import web
from markupsafe import Markup

from coordinator.errors import NotFoundError
from coordinator.services.accounts.secret import secret_key
from coordinator.services.accounts.users import User, record
from coordinator.services.feeds.subscriptions import FeedLink, list_feeds, revoke_feed, rotate_feed
from coordinator.services.feeds.tokens import FeedOwner
from coordinator.web.collation import pinyin_key
from coordinator.web.keys import SETTINGS, STORE
from coordinator.web.pages.access import ALL_ROLES, VIEWER, Viewer, allow
from coordinator.web.pages.base import page_context, render
from coordinator.web.pages.config import PAGES


def N_(message: str) -> str:  # marks a message for extraction
    return message


KINDS = (
    ("region", N_("The county")),
    ("alliance", N_("Alliances and education groups")),
    ("school", N_("Schools")),
    ("teacher", N_("Network teachers")),
    ("assistant", N_("Assistant teachers")),
    ("classroom", N_("Classrooms")),
)


@dataclass(frozen=True, slots=True)
class ShownFeed:
    link: FeedLink
    qr: Markup


def base_url(request: web.Request) -> str:
    public = request.app[SETTINGS].server.public_url
    return public or str(request.url.origin())


def with_qr(link: FeedLink) -> ShownFeed:
    """The https address as an inline SVG QR code (segno writes only the SVG it generates)."""
    svg = segno.make(link.https, error="m").svg_inline(scale=3, dark="#000", light="#fff")
    return ShownFeed(link, Markup(svg))


def own_owners(user: User, viewer: Viewer) -> list[FeedOwner]:
    """The feeds that are the user's own: theirs, their classrooms', their scope's."""
    if user.role == "teacher":
        return [FeedOwner("teacher", user.scope_id)]
    if user.role == "assistant":
        rooms = sorted(viewer.scope.classrooms)
        return [FeedOwner("assistant", user.scope_id)] + [FeedOwner("classroom", r) for r in rooms]
    kind = "region" if user.scope_kind == "region" else "alliance"
    return [FeedOwner(kind, user.scope_id)]


def grouped(links: list[FeedLink]) -> list[tuple[str, list[FeedLink]]]:
    """The feeds by owner kind (the county first, classrooms last), each in pinyin order."""
    groups = []
    for kind, label in KINDS:
        mine = [link for link in links if link.owner.kind == kind]
        if mine:
            groups.append((label, sorted(mine, key=lambda link: pinyin_key(link.name))))
    return groups


@allow(*ALL_ROLES)
async def qr_code(request: web.Request) -> web.Response:
    """One feed's QR code as SVG, loaded only when its row is opened (a county has 100+)."""
    viewer = request[VIEWER]
    try:
        owner = FeedOwner.parse(request.query.get("owner", ""))
    except NotFoundError as error:
        raise web.HTTPNotFound() from error
    if not may_rotate(viewer, owner):
        raise web.HTTPNotFound()
    settings = request.app[SETTINGS]
    links = await list_feeds(
        request.app[STORE], secret=secret_key(settings), base_url=base_url(request)
    )
    link = next((link for link in links if link.owner == owner), None)
    if link is None:
        raise web.HTTPNotFound()
    svg = io.BytesIO()
    segno.make(link.https, error="m").save(svg, kind="svg", scale=4, xmldecl=False)
    return web.Response(body=svg.getvalue(), content_type="image/svg+xml")


def may_rotate(viewer: Viewer, owner: FeedOwner) -> bool:
    if owner in own_owners(viewer.user, viewer):
        return True
    return viewer.user.role == "admin" and viewer.scope.sees(owner.kind, owner.id)


@allow(*ALL_ROLES)
async def calendars_page(request: web.Request) -> web.Response:
    viewer = request[VIEWER]
    settings = request.app[SETTINGS]
    links = await list_feeds(
        request.app[STORE], secret=secret_key(settings), base_url=base_url(request)
    )
    by_owner = {link.owner: link for link in links}
    own = own_owners(viewer.user, viewer)
    managed = []
    if viewer.user.role == "admin":
        managed = [link for link in links if viewer.scope.sees(link.owner.kind, link.owner.id)]
    context = await page_context(request)
    context.update(
        own=[(owner, with_qr(by_owner[owner]) if owner in by_owner else None) for owner in own],
        names={owner: viewer.directory.owner_name(owner) for owner in own},
        groups=grouped(managed),
        managed=managed,
    )
    return render("calendars.html", request, context)


async def _owner_of(request: web.Request) -> FeedOwner:
    form = await request.post()
    try:
        return FeedOwner.parse(str(form.get("owner", "")))
    except NotFoundError as error:
        raise web.HTTPNotFound() from error


@allow(*ALL_ROLES)
async def rotate(request: web.Request) -> web.StreamResponse:
    viewer = request[VIEWER]
    owner = await _owner_of(request)
    if not may_rotate(viewer, owner) or not viewer.directory.exists(owner):
        raise web.HTTPNotFound()
    now = request.app[PAGES].clock()
    store, settings = request.app[STORE], request.app[SETTINGS]
    await rotate_feed(
        store, owner, secret=secret_key(settings), base_url=base_url(request), now=now
    )
    await record(
        store, actor=viewer.user.username, action="feed.rotate", target=str(owner), now=now
    )
    raise web.HTTPSeeOther("/calendars#rotated")


@allow("admin")
async def revoke(request: web.Request) -> web.StreamResponse:
    viewer = request[VIEWER]
    owner = await _owner_of(request)
    if not viewer.scope.sees(owner.kind, owner.id):
        raise web.HTTPNotFound()
    now = request.app[PAGES].clock()
    store = request.app[STORE]
    try:
        await revoke_feed(store, owner, now=now)
    except NotFoundError:
        pass  # revoked already, and revoking sticks: the same answer, nothing new to record
    else:
        await record(
            store, actor=viewer.user.username, action="feed.revoke", target=str(owner), now=now
        )
    raise web.HTTPSeeOther("/calendars#revoked")


def routes() -> list[web.RouteDef]:
    return [
        web.get("/calendars", calendars_page),
        web.get("/calendars/qr", qr_code),
        web.post("/calendars/rotate", rotate),
        web.post("/calendars/revoke", revoke),
    ]
