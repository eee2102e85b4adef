"""A plan read back from the JSON ``plan_to_json`` writes (a job's stored result)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from coordinator.timetable.plan import Plan, PlanStats, Reason, Session, Unmet


def plan_from_json(data: dict[str, Any]) -> Plan:
    """The plan ``plan_to_json`` wrote: sessions, unmet needs with reasons, summary figures."""
    sessions = tuple(_session(s) for s in data["sessions"])
    stats = PlanStats(
        demand_periods=int(data["demand_periods"]),
        delivered_periods=int(data["delivered_periods"]),
        upper_bound_periods=int(data["upper_bound_periods"]),
        continuity=float(data["continuity"]),
        same_day_duplicates=int(data["same_day_duplicates"]),
        load_spread=int(data["load_spread"]),
        sessions=len(sessions),
        wall_seconds=float(data["wall_seconds"]),
    )
    unmet = tuple(_unmet(u) for u in data["unmet"])
    return Plan(status=str(data["status"]), sessions=sessions, unmet=unmet, stats=stats)


def _session(data: dict[str, Any]) -> Session:
    return Session(
        id=str(data["id"]),
        teacher_id=str(data["teacher_id"]),
        subject_id=str(data["subject"]),
        weekday=int(data["weekday"]),
        start=dt.time.fromisoformat(data["start"]),
        end=dt.time.fromisoformat(data["end"]),
        classroom_ids=tuple(data["classroom_ids"]),
        pinned_id=str(data["id"]) if data["pinned"] else None,
    )


def _unmet(data: dict[str, Any]) -> Unmet:
    reason = Reason(
        code=str(data["reason"]),
        params=dict(data["reason_params"]),
        text_en=str(data["reason_en"]),
        text_zh=str(data["reason_zh"]),
    )
    return Unmet(str(data["classroom_id"]), str(data["subject"]), int(data["periods"]), reason)
