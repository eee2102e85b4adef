"""WeCom application messages (企业微信应用消息) to one member by userid: textcard or markdown.

`cgi-bin/gettoken?corpid&corpsecret` gives the app's token (7200 s, shared through the token
cache); `cgi-bin/message/send?access_token` posts the message. The answer's `errcode` decides:
0 with a non-empty `invaliduser` is a permanent failure; an expired or revoked token (42001,
40014, 41001) is refreshed once and the send tried again; busy and rate limits are retried by
the outbox.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from coordinator.notify.base import Delivery, DeliveryError, Receipt, post_json
from coordinator.notify.tokens import AccessToken, TokenCache, from_answer, get_json
from coordinator.settings.person_channels import WeComAppSettings

PROVIDER = "wecom"
TOKEN_CODES = frozenset({40014, 42001, 41001})  # invalid, expired, missing access_token
# No such member, or none of the recipients valid: trying again cannot help. Every other
# code (busy -1, rate limits 45009/45033, an IP not yet allowed 60020) is retried.
PERMANENT_CODES = frozenset({40003, 81013})
DUPLICATE_WINDOW_S = 1800


def _clip(text: str, limit: int) -> str:
    """At most `limit` UTF-8 bytes, cut on a character boundary (WeCom counts bytes)."""
    data = text.encode()
    if len(data) <= limit:
        return text
    return data[: limit - 3].decode(errors="ignore") + "…"


def message_body(settings: WeComAppSettings, delivery: Delivery) -> dict[str, Any]:
    """A textcard when the message has a link (the card opens it), else markdown."""
    body: dict[str, Any] = {
        "touser": delivery.address,
        "agentid": settings.agentid,
        "enable_duplicate_check": 1,
        "duplicate_check_interval": DUPLICATE_WINDOW_S,
    }
    link = str(delivery.data.get("link") or "")
    if link:
        description = "<br>".join(delivery.text.splitlines())
        body["msgtype"] = "textcard"
        body["textcard"] = {
            "title": _clip(delivery.subject, 128),
            "description": _clip(description, 512),
            "url": link,
            "btntxt": "详情" if delivery.data.get("language", "zh") == "zh" else "Open",
        }
    else:
        body["msgtype"] = "markdown"
        content = f"**{delivery.subject}**\n" + "\n".join(
            f"> {line}" for line in delivery.text.splitlines()
        )
        body["markdown"] = {"content": _clip(content, 2048)}
    return body


def _answer(text: str) -> dict[str, Any]:
    try:
        answer = json.loads(text)
    except json.JSONDecodeError as error:
        raise DeliveryError(f"WeCom answered non-JSON: {text[:200]!r}") from error
    if not isinstance(answer, dict):
        raise DeliveryError(f"WeCom answered {text[:200]!r}")
    return answer


class WeComApp:
    """The channel "wecom": `delivery.address` is the member's WeCom userid."""

    def __init__(
        self, settings: WeComAppSettings, http: aiohttp.ClientSession, tokens: TokenCache
    ) -> None:
        self.settings = settings
        self.http = http
        self.tokens = tokens

    @property
    def app(self) -> str:
        return f"{self.settings.corpid}:{self.settings.agentid}"

    async def fetch_token(self) -> AccessToken:
        url = f"{self.settings.base_url}/cgi-bin/gettoken"
        secret = self.settings.secret.get_secret_value()
        params = {"corpid": self.settings.corpid, "corpsecret": secret}
        return from_answer(url, await get_json(self.http, url, params))

    async def send(self, delivery: Delivery) -> Receipt:
        if not delivery.address:
            raise DeliveryError(f"{delivery.id}: no WeCom userid", permanent=True)
        body = message_body(self.settings, delivery)
        token = await self.tokens.token(PROVIDER, self.app, self.fetch_token)
        answer = await self._post(token, body)
        if answer.get("errcode") in TOKEN_CODES:  # expired or revoked early: refresh once
            token = await self.tokens.token(PROVIDER, self.app, self.fetch_token, stale=token)
            answer = await self._post(token, body)
        return self._receipt(answer)

    async def _post(self, token: str, body: dict[str, Any]) -> dict[str, Any]:
        url = f"{self.settings.base_url}/cgi-bin/message/send?access_token={token}"
        return _answer(await post_json(self.http, url, body))

    @staticmethod
    def _receipt(answer: dict[str, Any]) -> Receipt:
        code = answer.get("errcode", 0)
        shown = json.dumps(answer, ensure_ascii=False)[:300]
        if code != 0:
            permanent = code in PERMANENT_CODES
            raise DeliveryError(f"WeCom errcode {code}: {shown}", permanent=permanent)
        if answer.get("invaliduser"):
            raise DeliveryError(f"WeCom invaliduser: {shown}", permanent=True)
        return Receipt(str(answer.get("msgid", "")))
