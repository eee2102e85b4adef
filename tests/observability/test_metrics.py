"""/metrics after real requests: latency by route template, check-ins, feeds, solver, jobs."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient
from prometheus_client.parser import text_string_to_metric_families
from pytest_aiohttp import AiohttpClient

from coordinator.app import create_app
from coordinator.observability.metrics import MULTIPROC_ENV, render
from coordinator.services.checkins import CheckinConfig
from coordinator.settings import FeedSettings, Settings
from coordinator.store import Store
from coordinator.web.api import CHECKIN_CONFIG
from tests.attendance.seed import Clock, seed
from tests.web.test_api_checkins import check_in
from tests.web.test_feeds import path_of, published

Client = TestClient[web.Request, web.Application]
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def samples(text: str) -> Samples:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(found: Samples, name: str, **labels: str) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


async def scrape(client: Client) -> Samples:
    response = await client.get("/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    return samples(await response.text())


async def test_metrics_count_check_in_outcomes_and_latency_by_route(
    aiohttp_client: AiohttpClient, store: Store
) -> None:
    seeded = await seed(store)
    app = create_app(Settings(), store)
    app[CHECKIN_CONFIG] = CheckinConfig(clock=Clock())
    client = await aiohttp_client(app)
    before = await scrape(client)
    auth = {"Authorization": f"Bearer {seeded.li}", "Idempotency-Key": str(uuid.uuid4())}

    first = await client.post("/api/v1/check-ins", json=check_in(), headers=auth)
    again = await client.post("/api/v1/check-ins", json=check_in(), headers=auth)
    other = {**auth, "Idempotency-Key": str(uuid.uuid4())}
    refused = await client.post("/api/v1/check-ins", json=check_in(room="c-nowhere"), headers=other)
    after = await scrape(client)

    assert (first.status, again.status, refused.status) == (201, 200, 404)
    for outcome in ("accepted", "replayed", "refused"):
        delta = value(after, "coordinator_checkins_total", outcome=outcome) - value(
            before, "coordinator_checkins_total", outcome=outcome
        )
        assert delta == 1, outcome
    route = {"route": "/api/v1/check-ins", "method": "POST"}
    count = "coordinator_http_request_duration_seconds_count"
    assert (
        value(after, count, **route, status="2xx") - value(before, count, **route, status="2xx")
        == 2
    )
    assert (
        value(after, count, **route, status="4xx") - value(before, count, **route, status="4xx")
        == 1
    )


async def test_metrics_count_feed_hits_and_304s_under_the_route_template(
    aiohttp_client: AiohttpClient, store: Store
) -> None:
    links = await published(store)  # solves once: a solver run
    client = await aiohttp_client(create_app(Settings(feeds=FeedSettings(counter_ttl_s=0)), store))
    path = path_of(next(iter(links.values())))
    before = await scrape(client)

    full = await client.get(path)
    cached = await client.get(path, headers={"If-None-Match": full.headers["ETag"]})
    after = await scrape(client)

    assert (full.status, cached.status) == (200, 304)
    hits = value(after, "coordinator_feed_hits_total") - value(
        before, "coordinator_feed_hits_total"
    )
    not_modified = value(after, "coordinator_feed_not_modified_total") - value(
        before, "coordinator_feed_not_modified_total"
    )
    assert (hits, not_modified) == (2, 1)
    routes = {dict(labels).get("route") for _, labels in after}
    assert "/feeds/{token}.ics" in routes
    assert not any(path.split("/")[-1] in str(route) for route in routes)
    assert value(after, "coordinator_solver_duration_seconds_count") >= 1


async def test_metrics_describe_every_family_with_help_text(
    aiohttp_client: AiohttpClient, store: Store
) -> None:
    client = await aiohttp_client(create_app(Settings(), store))

    text = await (await client.get("/metrics")).text()

    families = {f.name: f.documentation for f in text_string_to_metric_families(text)}
    for name in (
        "coordinator_http_request_duration_seconds",
        "coordinator_checkins",
        "coordinator_jobs",
        "coordinator_notifications",
        "coordinator_feed_hits",
        "coordinator_feed_not_modified",
        "coordinator_solver_runs",
        "coordinator_solver_duration_seconds",
    ):
        assert families[name], name


WRITER = """
from coordinator.observability import metrics
metrics.checkin_outcome("accepted")
metrics.job_finished("reminder:s-music@2026-11-23:0", "run")
metrics.notification_finished("sent")
metrics.observe_request("/api/v1/lessons", "GET", 200, 0.003)
"""


def test_metrics_merge_two_worker_processes_in_the_multiprocess_dir(tmp_path: Path) -> None:
    env: dict[str, Any] = {**os.environ, MULTIPROC_ENV: str(tmp_path)}
    for _ in range(2):
        subprocess.run([sys.executable, "-c", WRITER], env=env, check=True, timeout=60)

    found = samples(render(str(tmp_path)).decode())

    assert len(list(tmp_path.glob("*.db"))) >= 2
    assert value(found, "coordinator_checkins_total", outcome="accepted") == 2
    assert value(found, "coordinator_jobs_total", job="reminder", result="run") == 2
    assert value(found, "coordinator_notifications_total", result="sent") == 2
    count = "coordinator_http_request_duration_seconds_count"
    assert value(found, count, route="/api/v1/lessons", method="GET", status="2xx") == 2
