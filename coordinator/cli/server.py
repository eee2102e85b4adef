"""Running the web application: one process, or N workers under gunicorn on one port."""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web
from gunicorn.app.base import BaseApplication

from coordinator.app import create_app
from coordinator.observability.metrics import ensure_multiproc_dir, worker_exited
from coordinator.settings import Settings

log = logging.getLogger(__name__)


class Workers(BaseApplication):  # type: ignore[misc]  # gunicorn has no type hints
    """gunicorn's pre-fork supervisor with aiohttp's worker: each worker builds its own app."""

    def __init__(self, settings: Settings, workers: int) -> None:
        self.settings = settings
        self.workers = workers
        super().__init__()

    def load_config(self) -> None:
        server = self.settings.server
        self.cfg.set("bind", f"{server.host}:{server.port}")
        self.cfg.set("workers", self.workers)
        self.cfg.set("worker_class", "aiohttp.GunicornWebWorker")
        self.cfg.set("graceful_timeout", 20)
        self.cfg.set("accesslog", None)
        self.cfg.set("child_exit", lambda _arbiter, worker: worker_exited(worker.pid))
        # gunicorn 27's control socket is one fixed path per user (~/.gunicorn/gunicorn.ctl):
        # two servers on one machine would take each other's. coordinator does not use it.
        if "control_socket_disable" in self.cfg.settings:
            self.cfg.set("control_socket_disable", True)

    def load(self) -> web.Application:
        return create_app(self.settings)


def serve(settings: Settings, workers: int = 1, **run_app: Any) -> None:
    """Serve until stopped; several workers share the port and one database."""
    if workers <= 1:
        server = settings.server
        web.run_app(
            create_app(settings),
            host=server.host,
            port=server.port,
            print=None,
            access_log=None,
            **run_app,
        )
        return
    ensure_multiproc_dir()  # metrics from every worker: PROMETHEUS_MULTIPROC_DIR
    log.info("starting %d workers", workers)
    Workers(settings, workers).run()
