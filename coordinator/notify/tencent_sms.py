"""SMS through Tencent Cloud (腾讯云短信 SendSms, API 2021-01-11), signed TC3-HMAC-SHA256.

The signature follows Tencent Cloud's signing v3 document step by step: a canonical request
(method, "/", empty query, the signed headers content-type and host, the payload's SHA-256),
a string to sign over its hash with the date's credential scope, and a key derived by HMAC
chaining "TC3" + SecretKey → date → service → "tc3_request".
A per-number limit (LimitExceeded.*) is retried by the outbox; a bad number fails for good.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass
from urllib.parse import urlsplit

import aiohttp

from coordinator.notify.base import Delivery, DeliveryError, Outcome, Receipt
from coordinator.notify.sms import e164, post_for_json, sms_fields
from coordinator.settings.person_channels import TencentSmsSettings

SERVICE = "sms"
VERSION = "2021-01-11"
ALGORITHM = "TC3-HMAC-SHA256"
CONTENT_TYPE = "application/json; charset=utf-8"
SIGNED_HEADERS = "content-type;host"
PERMANENT_PREFIXES = ("InvalidParameterValue.", "UnsupportedOperation.")
LOOK_BACK_S = 2 * 86400  # status reports are asked for over the last two days (at most 7)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


@dataclass(frozen=True, slots=True)
class Signed:
    canonical_request: str
    string_to_sign: str
    signature: str
    authorization: str


def tc3_sign(
    *, secret_id: str, secret_key: str, service: str, host: str, payload: bytes, timestamp: int
) -> Signed:
    """Every step of TC3-HMAC-SHA256 for a POST of a JSON payload to "/"."""
    day = dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%d")
    canonical = "\n".join(
        [
            "POST",
            "/",
            "",
            f"content-type:{CONTENT_TYPE}\nhost:{host}\n",
            SIGNED_HEADERS,
            _sha256(payload),
        ]
    )
    scope = f"{day}/{service}/tc3_request"
    to_sign = f"{ALGORITHM}\n{timestamp}\n{scope}\n{_sha256(canonical.encode())}"
    key = _hmac(_hmac(_hmac(f"TC3{secret_key}".encode(), day), service), "tc3_request")
    signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    authorization = (
        f"{ALGORITHM} Credential={secret_id}/{scope}, "
        f"SignedHeaders={SIGNED_HEADERS}, Signature={signature}"
    )
    return Signed(canonical, to_sign, signature, authorization)


class TencentSms:
    """The channel "sms" through Tencent Cloud: `delivery.address` is the phone number."""

    def __init__(self, settings: TencentSmsSettings, http: aiohttp.ClientSession) -> None:
        self.settings = settings
        self.http = http

    def _headers(self, action: str, payload: bytes) -> dict[str, str]:
        settings = self.settings
        host = urlsplit(settings.base_url).netloc
        timestamp = int(dt.datetime.now(dt.UTC).timestamp())
        signed = tc3_sign(
            secret_id=settings.secret_id,
            secret_key=settings.secret_key.get_secret_value(),
            service=SERVICE,
            host=host,
            payload=payload,
            timestamp=timestamp,
        )
        return {
            "Authorization": signed.authorization,
            "Content-Type": CONTENT_TYPE,
            "Host": host,
            "X-TC-Action": action,
            "X-TC-Timestamp": str(timestamp),
            "X-TC-Version": VERSION,
            "X-TC-Region": settings.region,
        }

    async def send(self, delivery: Delivery) -> Receipt:
        if not delivery.address:
            raise DeliveryError(f"{delivery.id}: no phone number", permanent=True)
        subject, text = sms_fields(delivery)
        body = {
            "PhoneNumberSet": [e164(delivery.address)],
            "SmsSdkAppId": self.settings.sdk_app_id,
            "SignName": self.settings.sign_name,
            "TemplateId": self.settings.template_id,
            "TemplateParamSet": [subject, text],
            "SessionContext": delivery.id[-128:],
        }
        payload = json.dumps(body, ensure_ascii=False).encode()
        headers = self._headers("SendSms", payload)
        answer = await post_for_json(
            self.http, f"{self.settings.base_url}/", data=payload, headers=headers
        )
        return _receipt(answer)

    async def check(self, delivery: Delivery, receipt: Receipt) -> Outcome:
        """The number's status reports (PullSmsSendStatusByPhoneNumber): SUCCESS is delivered,
        FAIL failed with Tencent's description; not reported yet is still sent."""
        now = int(dt.datetime.now(dt.UTC).timestamp())
        body = {
            "BeginTime": now - LOOK_BACK_S,
            "EndTime": now,
            "Offset": 0,
            "Limit": 100,
            "PhoneNumber": e164(delivery.address),
            "SmsSdkAppId": self.settings.sdk_app_id,
        }
        payload = json.dumps(body).encode()
        headers = self._headers("PullSmsSendStatusByPhoneNumber", payload)
        answer = await post_for_json(
            self.http, f"{self.settings.base_url}/", data=payload, headers=headers
        )
        return _report(answer, receipt.provider_id)


def _report(answer: dict[str, object], serial: str) -> Outcome:
    response = answer.get("Response")
    response = response if isinstance(response, dict) else {}
    error = response.get("Error")
    if isinstance(error, dict):
        raise DeliveryError(f"Tencent SMS {error.get('Code')}: {json.dumps(answer)[:300]}")
    for report in response.get("PullSmsSendStatusSet") or []:
        if isinstance(report, dict) and report.get("SerialNo") == serial:
            if report.get("ReportStatus") == "SUCCESS":
                return Outcome("delivered")
            return Outcome("failed", f"Tencent SMS {report.get('Description', 'FAIL')}")
    return Outcome("sent")


def _receipt(answer: dict[str, object]) -> Receipt:
    response = answer.get("Response")
    response = response if isinstance(response, dict) else {}
    shown = json.dumps(answer, ensure_ascii=False)[:300]
    error = response.get("Error")
    if isinstance(error, dict):
        raise DeliveryError(f"Tencent SMS {error.get('Code')}: {shown}")
    statuses = response.get("SendStatusSet") or []
    status = statuses[0] if isinstance(statuses, list) and statuses else {}
    code = str(status.get("Code", "")) if isinstance(status, dict) else ""
    if code != "Ok":
        permanent = code.startswith(PERMANENT_PREFIXES)
        raise DeliveryError(f"Tencent SMS {code or 'no status'}: {shown}", permanent=permanent)
    return Receipt(str(status.get("SerialNo", "")), trackable=True)
