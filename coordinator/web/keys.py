"""Typed keys of what the application holds."""

from aiohttp import web

from coordinator.services.jobs.runners import JobRunner
from coordinator.settings import Settings
from coordinator.store import Store

SETTINGS = web.AppKey("settings", Settings)
STORE = web.AppKey("store", Store)
JOB_RUNNER = web.AppKey("job_runner", JobRunner)
