"""Bearer tokens (RFC 6750) for the API: read the header, name the assistant, or refuse (401)."""

from __future__ import annotations

from aiohttp import web

from coordinator.attendance import AuthenticationError
from coordinator.services.accounts.api_tokens import authenticate
from coordinator.web.keys import STORE
from coordinator.web.middlewares import error_body

REALM = "coordinator"


def bearer_token(request: web.Request) -> str:
    """The token of `Authorization: Bearer TOKEN`, or AuthenticationError."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError(
            "send your API token as 'Authorization: Bearer TOKEN' "
            "(issued by: coordinator tokens issue --assistant ID)"
        )
    return token.strip()


async def assistant_of(request: web.Request) -> str:
    """The assistant whose valid token the request carries."""
    return await authenticate(request.app[STORE], bearer_token(request))


def unauthorized(request: web.Request, error: AuthenticationError) -> web.Response:
    """401 with the challenge RFC 6750 asks for; `invalid_token` only when one was sent."""
    challenge = f'Bearer realm="{REALM}"'
    if "Authorization" in request.headers:
        challenge += ', error="invalid_token"'
    return web.json_response(
        error_body(401, str(error), error.code),
        status=401,
        headers={"WWW-Authenticate": challenge},
    )
