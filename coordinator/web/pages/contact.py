"""An admin's own contacts (phone, WeCom and DingTalk ids, preferred channel, quiet hours):
alerts, and what the settings' `audiences` send admins, reach them there."""

from __future__ import annotations

from aiohttp import web

from coordinator.services.accounts.contacts import (
    CHANNELS,
    AdminContact,
    Contact,
    contact_of,
    set_contact,
    wrong_fields,
)
from coordinator.web.i18n import translator
from coordinator.web.keys import STORE
from coordinator.web.pages.access import VIEWER, allow
from coordinator.web.pages.base import N_, page_context, render
from coordinator.web.pages.config import PAGES

PATH = "/messages/contact"
FIELDS = ("phone", "wecom_userid", "dingtalk_userid", "preferred_channel", "quiet_hours")
PROBLEMS = {
    "phone": N_("The phone number takes digits only, e.g. 13800000000."),
    "wecom_userid": N_("The WeCom account is one id without spaces."),
    "dingtalk_userid": N_("The DingTalk userid is one id without spaces."),
    "preferred_channel": N_("Choose WeCom, DingTalk or SMS."),
    "quiet_hours": N_("Quiet hours look like 22:00-07:00."),
}


async def _show(
    request: web.Request, values: dict[str, str], problems: list[str], status: int = 200
) -> web.Response:
    gettext = translator(request).gettext
    context = await page_context(request)
    context.update(
        values=values,
        channels=CHANNELS,
        problems=[gettext(PROBLEMS[name]) for name in problems],
        saved=request.query.get("saved") == "1",
    )
    return render("contact.html", request, context, status=status)


def _values(contact: AdminContact) -> dict[str, str]:
    return {name: str(getattr(contact, name)) for name in FIELDS}


@allow("admin")
async def contact_page(request: web.Request) -> web.Response:
    user = request[VIEWER].user
    return await _show(request, _values(await contact_of(request.app[STORE], user.username)), [])


@allow("admin")
async def save_contact(request: web.Request) -> web.StreamResponse:
    user = request[VIEWER].user
    form = await request.post()
    values = {name: str(form.get(name, "")).strip() for name in FIELDS}
    wanted = Contact(**values)
    problems = wrong_fields(wanted)
    if problems:
        return await _show(request, values, problems, status=400)
    now = request.app[PAGES].clock()
    await set_contact(request.app[STORE], user.username, wanted, now=now, actor=user.username)
    raise web.HTTPSeeOther(f"{PATH}?saved=1")


def routes() -> list[web.RouteDef]:
    return [web.get(PATH, contact_page), web.post(PATH, save_contact)]
