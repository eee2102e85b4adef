"""DingTalk work notices (钉钉工作通知) to one member by userid, and their results.

`gettoken?appkey&appsecret` gives the app's token (7200 s, shared through the token cache);
`topapi/message/corpconversation/asyncsend_v2` queues the message and answers a `task_id`.
Over a limit (the same content to a user twice a day, more than 500 a day) DingTalk still
answers success and delivers nothing, so `check` asks `getsendresult` later: a userid in the
read or unread lists was delivered; in the invalid, forbidden or failed lists it was not.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from coordinator.notify.base import Delivery, DeliveryError, Outcome, Receipt, post_json
from coordinator.notify.tokens import AccessToken, TokenCache, from_answer, get_json
from coordinator.settings.person_channels import DingTalkAppSettings

PROVIDER = "dingtalk"
TOKEN_CODES = frozenset({40014, 42001, 41001})  # invalid, expired, missing access_token
PERMANENT_CODES = frozenset({33012, 60121})  # no valid userid; no such user
FAILED_LISTS = ("invalid_user_id_list", "forbidden_user_id_list", "failed_user_id_list")
DELIVERED_LISTS = ("read_user_id_list", "unread_user_id_list")


def notice(delivery: Delivery) -> dict[str, Any]:
    """An action card opening the lesson page when there is a link, else markdown."""
    text = "  \n".join(delivery.text.splitlines())
    link = str(delivery.data.get("link") or "")
    if link:
        button = "查看详情" if delivery.data.get("language", "zh") == "zh" else "Open"
        return {
            "msgtype": "action_card",
            "action_card": {
                "title": delivery.subject,
                "markdown": f"### {delivery.subject}\n{text}",
                "single_title": button,
                "single_url": link,
            },
        }
    return {
        "msgtype": "markdown",
        "markdown": {"title": delivery.subject, "text": f"### {delivery.subject}\n{text}"},
    }


def _answer(text: str) -> dict[str, Any]:
    try:
        answer = json.loads(text)
    except json.JSONDecodeError as error:
        raise DeliveryError(f"DingTalk answered non-JSON: {text[:200]!r}") from error
    if not isinstance(answer, dict):
        raise DeliveryError(f"DingTalk answered {text[:200]!r}")
    return answer


def _refused(answer: dict[str, Any]) -> DeliveryError:
    code = answer.get("errcode")
    shown = json.dumps(answer, ensure_ascii=False)[:300]
    return DeliveryError(f"DingTalk errcode {code}: {shown}", permanent=code in PERMANENT_CODES)


def outcome(userid: str, result: dict[str, Any]) -> Outcome:
    """What `getsendresult`'s send_result says of one userid."""
    for name in FAILED_LISTS:
        if userid in (result.get(name) or []):
            codes = [
                str(item.get("code"))
                for item in result.get("forbidden_list") or []
                if isinstance(item, dict) and item.get("userid") == userid
            ]
            detail = f" (code {', '.join(codes)})" if codes else ""
            return Outcome("failed", f"DingTalk {name}{detail}")
    if any(userid in (result.get(name) or []) for name in DELIVERED_LISTS):
        return Outcome("delivered")
    return Outcome("sent")


class DingTalkApp:
    """The channel "dingtalk": `delivery.address` is the member's DingTalk userid."""

    def __init__(
        self, settings: DingTalkAppSettings, http: aiohttp.ClientSession, tokens: TokenCache
    ) -> None:
        self.settings = settings
        self.http = http
        self.tokens = tokens

    async def fetch_token(self) -> AccessToken:
        url = f"{self.settings.base_url}/gettoken"
        secret = self.settings.appsecret.get_secret_value()
        params = {"appkey": self.settings.appkey, "appsecret": secret}
        return from_answer(url, await get_json(self.http, url, params))

    async def call(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST with the shared token; an expired or revoked token is refreshed once."""
        app = self.settings.appkey
        token = await self.tokens.token(PROVIDER, app, self.fetch_token)
        url = f"{self.settings.base_url}/topapi/{path}"
        answer = _answer(await post_json(self.http, f"{url}?access_token={token}", body))
        if answer.get("errcode") in TOKEN_CODES:
            token = await self.tokens.token(PROVIDER, app, self.fetch_token, stale=token)
            answer = _answer(await post_json(self.http, f"{url}?access_token={token}", body))
        if answer.get("errcode", 0) != 0:
            raise _refused(answer)
        return answer

    async def send(self, delivery: Delivery) -> Receipt:
        if not delivery.address:
            raise DeliveryError(f"{delivery.id}: no DingTalk userid", permanent=True)
        body = {
            "agent_id": self.settings.agent_id,
            "userid_list": delivery.address,
            "msg": notice(delivery),
        }
        answer = await self.call("message/corpconversation/asyncsend_v2", body)
        if "task_id" not in answer:
            raise DeliveryError(f"DingTalk gave no task_id: {json.dumps(answer)[:200]}")
        return Receipt(str(answer["task_id"]), trackable=True)

    async def check(self, delivery: Delivery, receipt: Receipt) -> Outcome:
        body = {"agent_id": self.settings.agent_id, "task_id": int(receipt.provider_id)}
        answer = await self.call("message/corpconversation/getsendresult", body)
        result = answer.get("send_result")
        return outcome(delivery.address, result if isinstance(result, dict) else {})
