"""Loopback stand-ins for WeCom, DingTalk, Aliyun SMS and Tencent Cloud SMS.

Each checks what the real provider checks — the app's secret for a token, the token on every
call (unknown: 40014, expired: 42001), the request signature recomputed here from the bytes
received, the timestamp's freshness, a nonce used once — and answers in the provider's shapes,
including its rate-limit answers and DingTalk's success that delivers nothing.
The signature checks below are written from the providers' documents, not with the code
under test.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import itertools
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote

from aiohttp import web

from tests.notify.calendar_providers import DingTalkCalendars, WeComSchedules, calendar_routes

CORPID, AGENTID, WECOM_SECRET = "ww-test-corp", 1000002, "wecom-app-secret"
APPKEY, DING_AGENT, DING_SECRET = "dingapp-key", 2000003, "ding-app-secret"
ALI_ID, ALI_SECRET = "LTAI-test-id", "aliyun-test-secret"
TC_ID, TC_SECRET = "AKID-test-id", "tencent-test-secret"


def _json(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.json_response(body, status=status, dumps=lambda v: json.dumps(v, ensure_ascii=False))


@dataclass
class Tokens:
    """Tokens a provider issued: valid, expired early, or revoked (forgotten)."""

    prefix: str
    issued: int = 0
    valid: set[str] = field(default_factory=set)
    expired: set[str] = field(default_factory=set)

    def issue(self) -> str:
        self.issued += 1
        token = f"{self.prefix}-{self.issued}"
        self.valid.add(token)
        return token

    def expire_all(self) -> None:
        self.expired |= self.valid
        self.valid.clear()

    def revoke_all(self) -> None:
        self.valid.clear()

    def refusal(self, token: str) -> dict[str, Any] | None:
        if token in self.valid:
            return None
        if token in self.expired:
            return {"errcode": 42001, "errmsg": "access_token expired"}
        return {"errcode": 40014, "errmsg": "invalid access_token"}


@dataclass
class WeCom:
    """cgi-bin/gettoken and cgi-bin/message/send; `per_user_limit` sends a member, then 45009."""

    members: set[str] = field(default_factory=lambda: {"lixiuying", "hanxue"})
    tokens: Tokens = field(default_factory=lambda: Tokens("wc"))
    sent: list[dict[str, Any]] = field(default_factory=list)
    per_user_limit: int = 30

    async def gettoken(self, request: web.Request) -> web.Response:
        if (request.query.get("corpid"), request.query.get("corpsecret")) != (CORPID, WECOM_SECRET):
            return _json({"errcode": 40001, "errmsg": "invalid credential"})
        return _json({"errcode": 0, "access_token": self.tokens.issue(), "expires_in": 7200})

    async def send(self, request: web.Request) -> web.Response:
        refusal = self.tokens.refusal(request.query.get("access_token", ""))
        if refusal:
            return _json(refusal)
        body = await request.json()
        if body.get("agentid") != AGENTID:
            return _json({"errcode": 40056, "errmsg": "invalid agentid"})
        user = body["touser"]
        if user not in self.members:
            return _json(
                {"errcode": 81013, "errmsg": "user & party & tag all invalid", "invaliduser": user}
            )
        if sum(1 for m in self.sent if m["touser"] == user) >= self.per_user_limit:
            return _json({"errcode": 45009, "errmsg": "api freq out of limit"})
        self.sent.append(body)
        return _json(
            {"errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": f"m{len(self.sent)}"}
        )


@dataclass
class DingTalk:
    """gettoken, asyncsend_v2 and getsendresult. The same content to a user twice a day is
    answered with success and a task id, and getsendresult lists the user as forbidden."""

    members: set[str] = field(default_factory=lambda: {"0123lixiuying", "0456hanxue"})
    tokens: Tokens = field(default_factory=lambda: Tokens("dt"))
    tasks: dict[int, dict[str, list[Any]]] = field(default_factory=dict)
    seen: set[tuple[str, str]] = field(default_factory=set)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(700001))
    busy: int = 0  # the next sends answered 90018 (the corp's calls over the API's limit)

    async def gettoken(self, request: web.Request) -> web.Response:
        if (request.query.get("appkey"), request.query.get("appsecret")) != (APPKEY, DING_SECRET):
            return _json({"errcode": 40089, "errmsg": "invalid appkey or appsecret"})
        return _json({"errcode": 0, "access_token": self.tokens.issue(), "expires_in": 7200})

    async def asyncsend(self, request: web.Request) -> web.Response:
        refusal = self.tokens.refusal(request.query.get("access_token", ""))
        if refusal:
            return _json(refusal)
        body = await request.json()
        if body.get("agent_id") != DING_AGENT:
            return _json({"errcode": 40056, "errmsg": "invalid agent_id"})
        if self.busy > 0:
            self.busy -= 1
            return _json({"errcode": 90018, "errmsg": "当前企业所有应用调用该接口超过限制"})
        result: dict[str, list[Any]] = {
            "invalid_user_id_list": [],
            "forbidden_list": [],
            "forbidden_user_id_list": [],
            "unread_user_id_list": [],
        }
        content = json.dumps(body["msg"], sort_keys=True)
        for user in body["userid_list"].split(","):
            if user not in self.members:
                result["invalid_user_id_list"].append(user)
            elif (user, content) in self.seen:
                result["forbidden_user_id_list"].append(user)
                result["forbidden_list"].append({"code": "143105", "count": 1, "userid": user})
            else:
                self.seen.add((user, content))
                result["unread_user_id_list"].append(user)
        task = next(self.ids)
        self.tasks[task] = result
        return _json({"errcode": 0, "task_id": task, "request_id": f"r{task}"})

    async def sendresult(self, request: web.Request) -> web.Response:
        refusal = self.tokens.refusal(request.query.get("access_token", ""))
        if refusal:
            return _json(refusal)
        body = await request.json()
        result = self.tasks.get(body.get("task_id", -1))
        if result is None or body.get("agent_id") != DING_AGENT:
            return _json({"errcode": 40035, "errmsg": "invalid task_id"})
        return _json({"errcode": 0, "send_result": result, "request_id": "r"})


def _percent(text: str) -> str:
    return quote(text, safe="-_.~")


@dataclass
class Aliyun:
    """dysmsapi's SendSms and QuerySendDetails, RPC signature v1.0 checked like the gateway:
    the canonical query rebuilt from the form received, a fresh Timestamp, a nonce used once.
    `daily_limit` messages a number, then isv.BUSINESS_LIMIT_CONTROL; `fail_later` numbers get
    SendStatus 2 in QuerySendDetails."""

    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    nonces: set[str] = field(default_factory=set)
    sent: list[dict[str, str]] = field(default_factory=list)
    daily_limit: int = 10
    fail_later: set[str] = field(default_factory=set)

    def _signature_error(self, params: dict[str, str], method: str) -> str:
        if params.get("AccessKeyId") != ALI_ID:
            return "InvalidAccessKeyId.NotFound"
        query = "&".join(
            f"{_percent(k)}={_percent(v)}" for k, v in sorted(params.items()) if k != "Signature"
        )
        to_sign = f"{method}&%2F&{_percent(query)}"
        digest = hmac.new(f"{ALI_SECRET}&".encode(), to_sign.encode(), hashlib.sha1).digest()
        if base64.b64encode(digest).decode() != params.get("Signature"):
            return "SignatureDoesNotMatch"
        stamp = dt.datetime.strptime(params["Timestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=dt.UTC
        )
        if abs((stamp - self.now).total_seconds()) > 900:
            return "InvalidTimeStamp.Expired"
        if params["SignatureNonce"] in self.nonces:
            return "SignatureNonceUsed"
        self.nonces.add(params["SignatureNonce"])
        return ""

    async def handle(self, request: web.Request) -> web.Response:
        params = dict(parse_qsl(await request.text(), keep_blank_values=True))
        error = self._signature_error(params, request.method)
        if error:
            return _json({"Code": error, "Message": error, "RequestId": "x"}, status=400)
        if params["Action"] == "QuerySendDetails":
            return self.details(params)
        phone = params["PhoneNumbers"]
        if sum(1 for m in self.sent if m["PhoneNumbers"] == phone) >= self.daily_limit:
            return _json({"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发天级流控"})
        self.sent.append(params)
        return _json(
            {"Code": "OK", "Message": "OK", "BizId": f"{len(self.sent)}^0", "RequestId": "r"}
        )

    def details(self, params: dict[str, str]) -> web.Response:
        phone = params["PhoneNumber"]
        status, code = (
            (2, "MOBILE_NOT_ON_SERVICE") if phone in self.fail_later else (3, "DELIVERED")
        )
        dto = {"PhoneNum": phone, "SendStatus": status, "ErrCode": code}
        return _json(
            {"Code": "OK", "TotalCount": 1, "SmsSendDetailDTOs": {"SmsSendDetailDTO": [dto]}}
        )


@dataclass
class Tencent:
    """SendSms 2021-01-11 behind TC3-HMAC-SHA256: the signature recomputed from the headers
    named in SignedHeaders and the body received, a timestamp within 5 minutes;
    `per_number_limit` sends, then LimitExceeded.PhoneNumberThirtySecondLimit."""

    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    sent: list[dict[str, Any]] = field(default_factory=list)
    per_number_limit: int = 10
    fail_later: set[str] = field(default_factory=set)  # numbers whose report says FAIL

    def _signature_error(self, request: web.Request, body: bytes) -> str:
        authorization = request.headers.get("Authorization", "")
        algorithm, _, rest = authorization.partition(" ")
        parts = dict(part.strip().split("=", 1) for part in rest.split(",") if "=" in part)
        secret_id, day, service, _ = parts.get("Credential", "///").split("/")
        if algorithm != "TC3-HMAC-SHA256" or secret_id != TC_ID:
            return "AuthFailure.SecretIdNotFound"
        timestamp = int(request.headers.get("X-TC-Timestamp", "0"))
        if abs(timestamp - self.now.timestamp()) > 300:
            return "AuthFailure.SignatureExpire"
        names = parts["SignedHeaders"].split(";")
        # CanonicalHeaders: key and value in lower case, trimmed, "key:value\n" each
        headers = "".join(f"{n}:{request.headers[n].strip().lower()}\n" for n in names)
        canonical = (
            f"POST\n/\n\n{headers}\n{parts['SignedHeaders']}\n{hashlib.sha256(body).hexdigest()}"
        )
        scope = f"{day}/{service}/tc3_request"
        hashed = hashlib.sha256(canonical.encode()).hexdigest()
        to_sign = f"TC3-HMAC-SHA256\n{timestamp}\n{scope}\n{hashed}"
        key = f"TC3{TC_SECRET}".encode()
        for step in (day, service, "tc3_request"):
            key = hmac.new(key, step.encode(), hashlib.sha256).digest()
        expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        if expected != parts.get("Signature") or service != "sms":
            return "AuthFailure.SignatureFailure"
        return ""

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        error = self._signature_error(request, body)
        if error:
            return _json(
                {"Response": {"Error": {"Code": error, "Message": error}, "RequestId": "x"}}
            )
        payload = json.loads(body)
        if request.headers.get("X-TC-Action") == "PullSmsSendStatusByPhoneNumber":
            return self.reports(payload)
        (phone,) = payload["PhoneNumberSet"]
        if sum(1 for m in self.sent if m["PhoneNumberSet"] == [phone]) >= self.per_number_limit:
            code = "LimitExceeded.PhoneNumberThirtySecondLimit"
        elif not phone.startswith("+86") or len(phone) != 14:
            code = "InvalidParameterValue.IncorrectPhoneNumber"
        else:
            code = "Ok"
            self.sent.append(payload)
        status = {
            "SerialNo": f"s{len(self.sent)}",
            "PhoneNumber": phone,
            "Code": code,
            "Message": code,
        }
        return _json({"Response": {"SendStatusSet": [status], "RequestId": "r"}})

    def reports(self, payload: dict[str, Any]) -> web.Response:
        """The number's status reports within [BeginTime, EndTime] (the send time is now)."""
        phone = payload["PhoneNumber"]
        if not payload["BeginTime"] <= int(self.now.timestamp()) <= payload["EndTime"]:
            return _json({"Response": {"PullSmsSendStatusSet": [], "RequestId": "r"}})
        found = [
            {
                "SerialNo": f"s{n}",
                "PhoneNumber": phone,
                "ReportStatus": "FAIL" if phone in self.fail_later else "SUCCESS",
                "Description": "DELIVRD" if phone not in self.fail_later else "MK:0001 用户停机",
            }
            for n, message in enumerate(self.sent, start=1)
            if message["PhoneNumberSet"] == [phone]
        ]
        return _json({"Response": {"PullSmsSendStatusSet": found, "RequestId": "r"}})


@dataclass
class Providers:
    wecom: WeCom = field(default_factory=WeCom)
    dingtalk: DingTalk = field(default_factory=DingTalk)
    aliyun: Aliyun = field(default_factory=Aliyun)
    tencent: Tencent = field(default_factory=Tencent)
    calls: Counter[str] = field(default_factory=Counter)
    schedules: WeComSchedules = field(init=False)
    calendars: DingTalkCalendars = field(init=False)

    def __post_init__(self) -> None:
        self.schedules = WeComSchedules(self.wecom)
        self.calendars = DingTalkCalendars(self.dingtalk)

    def app(self) -> web.Application:
        app = web.Application()
        routes = [
            ("GET", "/wecom/cgi-bin/gettoken", self.wecom.gettoken),
            ("POST", "/wecom/cgi-bin/message/send", self.wecom.send),
            ("GET", "/dingtalk/gettoken", self.dingtalk.gettoken),
            (
                "POST",
                "/dingtalk/topapi/message/corpconversation/asyncsend_v2",
                self.dingtalk.asyncsend,
            ),
            (
                "POST",
                "/dingtalk/topapi/message/corpconversation/getsendresult",
                self.dingtalk.sendresult,
            ),
            ("POST", "/aliyun/", self.aliyun.handle),
            ("POST", "/tencent/", self.tencent.handle),
            *calendar_routes(self.schedules, self.calendars),
        ]
        for method, path, handler in routes:
            app.router.add_route(method, path, self._counted(path, handler))
        return app

    def _counted(self, path: str, handler: Any) -> Any:
        async def counted(request: web.Request) -> web.StreamResponse:
            self.calls[path] += 1
            return await handler(request)  # type: ignore[no-any-return]

        return counted
