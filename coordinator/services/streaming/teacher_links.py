"""What a teacher's calendar event links to: the signed go-live page, never the push key."""

from __future__ import annotations

import functools
from collections.abc import Callable

from coordinator.services.streaming.go_live import go_live_path
from coordinator.services.streaming.links import teacher_url
from coordinator.streams import LessonLinks
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
