"""create_app(settings): the web application, wired. Nothing else happens here."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

from aiohttp import web

from coordinator.attendance import Policy
from coordinator.services.accounts.secret import secret_key
from coordinator.services.checkins import CheckinConfig
from coordinator.services.feeds.render import FeedCache
from coordinator.services.jobs.queue import open_runner
from coordinator.services.streaming.teacher_links import go_live_links, watch_page_links
from coordinator.settings import Settings
from coordinator.store import Store
from coordinator.web import api, feeds, health, openapi, platform_events, streams
from coordinator.web.keys import JOB_RUNNER, SETTINGS, STORE
from coordinator.web.middlewares import body_deadline, errors
from coordinator.web.observe import metrics, observe
from coordinator.web.pages import setup_pages


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def open_store(settings: Settings) -> Store:
    return Store(
        settings.database_url,
        busy_timeout_ms=settings.store.sqlite_busy_timeout_ms,
        echo=settings.store.echo_sql,
    )


def checkin_config(settings: Settings) -> CheckinConfig:
    checkins = settings.checkins
    policy = Policy(
        correction_window=dt.timedelta(hours=checkins.correction_window_hours),
        max_report_age=dt.timedelta(days=checkins.max_report_age_days),
    )
    return CheckinConfig(
        policy=policy, group_commit=checkins.group_commit, max_batch=checkins.max_batch
    )


def create_app(settings: Settings, store: Store | None = None) -> web.Application:
    """The application; pass `store` to share one the caller already opened (tests do)."""
    deadline = body_deadline(settings.server.body_timeout_s)
    app = web.Application(middlewares=[observe, deadline, errors])
    app[SETTINGS] = settings
    app[api.CHECKIN_CONFIG] = checkin_config(settings)

    async def store_context(app: web.Application) -> AsyncIterator[None]:
        app[STORE] = store or open_store(settings)
        app[feeds.FEED_CACHE] = FeedCache(
            app[STORE], settings.streams, settings.default_time_zone, settings.feeds.counter_ttl_s
        )
        public = (
            settings.server.public_url or f"http://{settings.server.host}:{settings.server.port}"
        )
        app[feeds.FEED_CACHE].teacher_link = go_live_links(lambda: secret_key(settings), public)
        app[feeds.FEED_CACHE].classroom_link = watch_page_links(
            lambda: secret_key(settings), public
        )
        yield
        if store is None:
            await app[STORE].close()

    async def job_runner(app: web.Application) -> AsyncIterator[None]:
        """Solves and other long work: run here on SQLite, by queue workers on PostgreSQL."""
        async with open_runner(app[STORE], settings, utc_now) as runner:
            app[JOB_RUNNER] = runner
            yield

    app.cleanup_ctx.append(store_context)
    app.cleanup_ctx.append(job_runner)  # after the store: jobs read and write it
    app.cleanup_ctx.append(api.checkin_writer)  # after the store: it writes check-ins
    app.add_routes(health.routes())
    app.router.add_get("/metrics", metrics)
    app.add_routes(openapi.routes())
    app.add_routes(api.routes())
    app.add_routes(feeds.routes())
    app.add_routes(streams.routes())
    app.add_routes(platform_events.routes())
    setup_pages(app, settings)  # sessions, CSRF, languages, templates, page routes
    return app
