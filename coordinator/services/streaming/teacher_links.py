"""What feeds link to: the signed go-live page (never the push key) and the watch page."""

from __future__ import annotations

import functools
from collections.abc import Callable

from coordinator.services.streaming.go_live import go_live_path
from coordinator.services.streaming.links import classroom_url, teacher_url
from coordinator.services.streaming.watch import watch_path
from coordinator.streams import LessonLinks, LinkKind
from coordinator.streams.watch import WatchSigner


def go_live_links(
    secret: Callable[[], bytes], public_url: str
) -> Callable[[LessonLinks | None], str]:
    """Lessons with a push (own RTMP, CDNs) link to `<public_url>/go-live/<token>`; meeting
    providers keep their join link. `secret` is read once, at the first feed that needs it."""
    signer = functools.cache(lambda: WatchSigner(secret().hex(), purpose="go-live"))
    base = public_url.rstrip("/")

    def link(links: LessonLinks | None) -> str:
        path = go_live_path(signer(), links)
        return f"{base}{path}" if path else teacher_url(links)

    return link


def watch_page_links(
    secret: Callable[[], bytes], public_url: str
) -> Callable[[LessonLinks | None, str], str]:
    """A classroom's HLS or FLV stream becomes `<public_url>/watch/<token>` (a bare playlist
    plays nowhere on its own); a meeting's join link stays as it is."""
    signer = functools.cache(lambda: WatchSigner(secret().hex()))
    base = public_url.rstrip("/")

    def link(links: LessonLinks | None, classroom_id: str) -> str:
        streams = links.for_classroom(classroom_id) if links else ()
        if any(entry.kind in (LinkKind.HLS, LinkKind.FLV) for entry in streams):
            return f"{base}{watch_path(signer(), links, classroom_id)}"
        return classroom_url(links, classroom_id)

    return link
