"""SMS through Aliyun (阿里云短信 dysmsapi 2017-05-25): SendSms, then QuerySendDetails.

Requests are RPC-style, signed with signature version 1.0 (HMAC-SHA1) exactly as Aliyun
documents it: the sorted, percent-encoded parameters form the canonical query; the string to
sign is `METHOD&%2F&percent(canonical query)`; the key is the AccessKey secret plus "&".
`isv.BUSINESS_LIMIT_CONTROL` (the per-number limits) is retried by the outbox; a bad number
or template fails for good. The carrier's report (SendStatus 3 delivered, 2 failed) comes from
QuerySendDetails, asked later by the outbox.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import uuid
from urllib.parse import quote
from zoneinfo import ZoneInfo

import aiohttp

from coordinator.notify.base import Delivery, DeliveryError, Outcome, Receipt
from coordinator.notify.sms import post_for_json, sms_fields
from coordinator.settings.person_channels import AliyunSmsSettings

VERSION = "2017-05-25"
CHINA = ZoneInfo("Asia/Shanghai")  # QuerySendDetails takes the send date in Beijing time
PERMANENT_CODES = frozenset(
    {
        "isv.MOBILE_NUMBER_ILLEGAL",
        "isv.SMS_TEMPLATE_ILLEGAL",
        "isv.SMS_SIGNATURE_ILLEGAL",
        "isv.TEMPLATE_MISSING_PARAMETERS",
        "isv.TEMPLATE_PARAMS_ILLEGAL",
    }
)
FORM = "application/x-www-form-urlencoded"


def percent(text: str) -> str:
    """Aliyun's percent-encoding: RFC 3986 unreserved kept, space as %20, * as %2A."""
    return quote(text, safe="~")


def canonical_query(params: dict[str, str]) -> str:
    return "&".join(f"{percent(k)}={percent(params[k])}" for k in sorted(params))


def rpc_signature(params: dict[str, str], secret: str, method: str = "GET") -> str:
    """Signature version 1.0: base64(HMAC-SHA1(secret + "&", METHOD&%2F&percent(query)))."""
    unsigned = {k: v for k, v in params.items() if k != "Signature"}
    to_sign = f"{method}&{percent('/')}&{percent(canonical_query(unsigned))}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def common_params(settings: AliyunSmsSettings, action: str, now: dt.datetime) -> dict[str, str]:
    return {
        "AccessKeyId": settings.access_key_id,
        "Action": action,
        "Format": "JSON",
        "RegionId": settings.region_id,
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": uuid.uuid4().hex,
        "SignatureVersion": "1.0",
        "Timestamp": now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "Version": VERSION,
    }


class AliyunSms:
    """The channel "sms" through Aliyun: `delivery.address` is the phone number."""

    def __init__(self, settings: AliyunSmsSettings, http: aiohttp.ClientSession) -> None:
        self.settings = settings
        self.http = http

    async def _call(self, params: dict[str, str]) -> dict[str, object]:
        secret = self.settings.access_key_secret.get_secret_value()
        signed = {**params, "Signature": rpc_signature(params, secret, "POST")}
        body = canonical_query(signed).encode()
        url = f"{self.settings.base_url}/"
        return await post_for_json(self.http, url, data=body, headers={"Content-Type": FORM})

    async def send(self, delivery: Delivery) -> Receipt:
        if not delivery.address:
            raise DeliveryError(f"{delivery.id}: no phone number", permanent=True)
        now = dt.datetime.now(dt.UTC)
        subject, text = sms_fields(delivery)
        params = common_params(self.settings, "SendSms", now) | {
            "PhoneNumbers": delivery.address,
            "SignName": self.settings.sign_name,
            "TemplateCode": self.settings.template_code,
            "TemplateParam": json.dumps({"subject": subject, "text": text}, ensure_ascii=False),
            "OutId": delivery.id[-64:],
        }
        answer = await self._call(params)
        code = str(answer.get("Code", ""))
        if code != "OK":
            shown = json.dumps(answer, ensure_ascii=False)[:300]
            raise DeliveryError(f"Aliyun SMS {code}: {shown}", permanent=code in PERMANENT_CODES)
        day = now.astimezone(CHINA).strftime("%Y%m%d")
        return Receipt(f"{answer.get('BizId', '')}@{day}", trackable=True)

    async def check(self, delivery: Delivery, receipt: Receipt) -> Outcome:
        biz_id, _, day = receipt.provider_id.rpartition("@")
        params = common_params(self.settings, "QuerySendDetails", dt.datetime.now(dt.UTC)) | {
            "PhoneNumber": delivery.address,
            "BizId": biz_id,
            "SendDate": day,
            "PageSize": "10",
            "CurrentPage": "1",
        }
        answer = await self._call(params)
        if answer.get("Code") != "OK":
            raise DeliveryError(f"Aliyun QuerySendDetails: {json.dumps(answer)[:300]}")
        details = answer.get("SmsSendDetailDTOs")
        rows = details.get("SmsSendDetailDTO", []) if isinstance(details, dict) else []
        for row in rows if isinstance(rows, list) else []:
            status = row.get("SendStatus") if isinstance(row, dict) else None
            if status == 3:
                return Outcome("delivered")
            if status == 2:
                return Outcome("failed", f"Aliyun SMS ErrCode {row.get('ErrCode', '')}")
        return Outcome("sent")
