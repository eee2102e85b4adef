"""The signed pages people's links open: go-live for the teacher (never the push key), watch
for a classroom; meeting providers keep their join links."""

from __future__ import annotations

import functools
from collections.abc import Callable

from coordinator.services.streaming.go_live import go_live_path
from coordinator.services.streaming.page_links import (
    ClassroomLink,
    PageLinks,
    TeacherLink,
    classroom_join_link,
    teacher_join_link,
)
from coordinator.services.streaming.watch import watch_path
from coordinator.streams import LessonLinks, LinkKind
from coordinator.streams.watch import WatchSigner

PLAYED_IN_PAGE = (LinkKind.HLS, LinkKind.FLV)


def go_live_links(secret: Callable[[], bytes], public_url: str) -> TeacherLink:
    """Lessons with a push (own RTMP, CDNs) link to `<public_url>/go-live/<token>`; meeting
    providers keep their join link. `secret` is read once, at the first feed that needs it."""
    signer = functools.cache(lambda: WatchSigner(secret().hex(), purpose="go-live"))
    base = public_url.rstrip("/")

    def link(links: LessonLinks | None) -> str:
        path = go_live_path(signer(), links)
        return f"{base}{path}" if path else teacher_join_link(links)

    return link


def watch_page_links(secret: Callable[[], bytes], public_url: str) -> ClassroomLink:
    """A classroom's HLS or FLV stream becomes `<public_url>/watch/<token>` (a bare playlist
    plays nowhere on its own); a meeting's join link stays as it is."""
    signer = functools.cache(lambda: WatchSigner(secret().hex()))
    base = public_url.rstrip("/")

    def link(links: LessonLinks | None, classroom_id: str) -> str:
        streams = links.for_classroom(classroom_id) if links else ()
        if any(entry.kind in PLAYED_IN_PAGE for entry in streams):
            return f"{base}{watch_path(signer(), links, classroom_id)}"
        return classroom_join_link(links, classroom_id)

    return link


def signed_pages(secret: Callable[[], bytes], public_url: str) -> PageLinks:
    """The signed go-live and watch pages at `public_url`, join links for meetings."""
    return PageLinks(go_live_links(secret, public_url), watch_page_links(secret, public_url))
