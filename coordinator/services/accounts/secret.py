"""The server's secret key: from the environment, or a generated key file for small set-ups."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from coordinator.settings import Settings

log = logging.getLogger(__name__)


def secret_key(settings: Settings) -> bytes:
    """COORDINATOR_SECRET_KEY if set; otherwise the key file, created on first use."""
    configured = settings.secret_key.get_secret_value()
    if configured:
        return configured.encode()
    path = Path(settings.secret_key_file)
    if not path.exists():
        _create_key_file(path)
    return path.read_text(encoding="ascii").strip().encode()


def _create_key_file(path: Path) -> None:
    log.warning("no COORDINATOR_SECRET_KEY: keeping a generated key in %s", path)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first; use theirs
        return
    with os.fdopen(descriptor, "w", encoding="ascii") as stream:
        stream.write(secrets.token_urlsafe(48))
