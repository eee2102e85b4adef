"""What makes the assistant's page an app: its service worker and its web app manifest."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from aiohttp import web

from coordinator.web.i18n import gettext_of

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"
SCOPE = "/assistant"
MANIFEST = "/assistant/manifest.webmanifest"
# The app shell the worker keeps on the phone: everything the page loads but the page itself.
SHELL = (
    "/static/console.css",
    "/static/assistant.css",
    "/static/assistant.js",
    "/static/assistant-icon.svg",
)
WORKER_HEADERS = {
    "Cache-Control": "no-cache",  # every update check reaches the server
    "Service-Worker-Allowed": SCOPE,  # the worker lives under /assistant/, the page is /assistant
}


def shell_version(templates: Path = TEMPLATES) -> str:
    """A digest of the worker and its shell: a changed file installs a new worker."""
    digest = hashlib.sha256()
    for name in ("assistant_sw.js", *(path.removeprefix("/") for path in SHELL)):
        digest.update((templates / name).read_bytes())
    return digest.hexdigest()[:16]


def worker_script(templates: Path = TEMPLATES) -> str:
    source = (templates / "assistant_sw.js").read_text(encoding="utf-8")
    shell = json.dumps([*SHELL, MANIFEST])
    return source.replace("'__VERSION__'", json.dumps(shell_version(templates))).replace(
        "__SHELL__", shell
    )


async def service_worker(_request: web.Request) -> web.Response:
    """The worker script; its scope is the assistant's page (registered with scope /assistant)."""
    return web.Response(
        text=worker_script(), content_type="text/javascript", headers=WORKER_HEADERS
    )


async def manifest(request: web.Request) -> web.Response:
    """The web app manifest: 我的课堂 on the home screen, opening the assistant's page."""
    name = gettext_of(request, "My classes")
    body = {
        "name": f"{name} · {gettext_of(request, 'Dual-teacher Classroom')}",
        "short_name": name,
        "start_url": SCOPE,
        "scope": SCOPE,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1e5fb4",
        "icons": [{"src": SHELL[-1], "sizes": "any", "type": "image/svg+xml"}],
    }
    return web.json_response(
        body,
        content_type="application/manifest+json",
        dumps=lambda value: json.dumps(value, ensure_ascii=False),
        headers={"Cache-Control": "no-cache"},
    )


def routes() -> list[web.RouteDef]:
    return [
        web.get("/assistant/sw.js", service_worker),
        web.get(MANIFEST, manifest),
    ]
