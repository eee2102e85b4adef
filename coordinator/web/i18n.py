"""Chinese (default) and English: catalogs compiled from the .po files, chosen per request."""

from __future__ import annotations

import datetime as dt
import gettext
import io
from pathlib import Path

from aiohttp import web
from aiohttp.typedefs import Handler
from babel.dates import format_date, get_timezone, get_timezone_name
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES = ("zh", "en")
DEFAULT = "zh"
COOKIE = "lang"
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
BABEL_LOCALES = {"zh": "zh_Hans_CN", "en": "en_GB"}
LANGUAGE = web.RequestKey("language", str)
Catalogs = dict[str, gettext.GNUTranslations]
CATALOGS = web.AppKey("catalogs", dict[str, gettext.GNUTranslations])


def compile_catalog(po_path: Path) -> gettext.GNUTranslations:
    """Compile a .po file in memory: a fresh install needs no build step and no .mo file."""
    with po_path.open("rb") as stream:
        catalog = read_po(stream)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def load_catalogs(locale_dir: Path = LOCALE_DIR) -> Catalogs:
    return {
        language: compile_catalog(locale_dir / language / "LC_MESSAGES" / "messages.po")
        for language in LANGUAGES
    }


def from_accept_language(header: str) -> str | None:
    """The first supported language of an Accept-Language header, by q-value."""
    choices: list[tuple[float, int, str]] = []
    for index, item in enumerate(header.split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        choices.append((-quality, index, tag.strip().lower().split("-")[0]))
    for negative_quality, _, primary in sorted(choices):
        if negative_quality < 0 and primary in LANGUAGES:
            return primary
    return None


def choose_language(request: web.Request) -> str:
    """The switch (cookie) first, then the browser's preference, then Chinese."""
    cookie = request.cookies.get(COOKIE, "")
    if cookie in LANGUAGES:
        return cookie
    return from_accept_language(request.headers.get("Accept-Language", "")) or DEFAULT


@web.middleware
async def language(request: web.Request, handler: Handler) -> web.StreamResponse:
    request[LANGUAGE] = choose_language(request)
    return await handler(request)


def translator(request: web.Request) -> gettext.GNUTranslations:
    return request.app[CATALOGS][request.get(LANGUAGE, DEFAULT)]


def gettext_of(request: web.Request, message: str) -> str:
    return translator(request).gettext(message)


def long_date(day: dt.date, lang: str) -> str:
    """E.g. 2026年11月23日星期一 / Monday, 23 November 2026."""
    return format_date(day, format="full", locale=BABEL_LOCALES[lang])


def zone_name(zone: str, lang: str) -> str:
    """A time zone as people say it (Asia/Shanghai: 中国时间 / China Time), from CLDR."""
    try:
        return str(get_timezone_name(get_timezone(zone), "long", locale=BABEL_LOCALES[lang]))
    except LookupError:
        return zone


def short_date(day: dt.date, lang: str) -> str:
    return format_date(
        day, format="EEE M/d" if lang == "en" else "M月d日 EEE", locale=BABEL_LOCALES[lang]
    )
