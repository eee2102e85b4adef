"""Import a validated bundle: all or nothing, update by id, retire what is gone, keep history."""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from coordinator import domain, models
from coordinator.bundle import BundleReport, ReadLimits, read_bundle, write_bundle_csv
from coordinator.bundle.limits import MIB
from coordinator.services.counters import FEEDS, bump_counter
from coordinator.services.data.table_rows import TableChanges, active_rows, write_table
from coordinator.services.data.tenancy import merge_region
from coordinator.settings import DataSettings
from coordinator.store import Store
from coordinator.store.mirror import MIRRORS, Row, bundle_from_rows, row_values

log = logging.getLogger(__name__)


def read_limits(data: DataSettings) -> ReadLimits:
    """The [data] settings as the bundle reader's limits."""
    return ReadLimits(
        max_rows=data.max_rows,
        max_file_bytes=int(data.max_file_mb * MIB),
        max_unpacked_bytes=int(data.max_unpacked_mb * MIB),
        max_ratio=data.max_ratio,
    )


@dataclass(slots=True)
class ImportSummary:
    run_id: int
    tables: dict[str, TableChanges]

    @property
    def touched(self) -> bool:
        return any(changes.touched for changes in self.tables.values())

    def counts(self) -> dict[str, dict[str, int]]:
        return {
            name: {
                "added": len(c.added),
                "changed": len(c.changed),
                "retired": len(c.retired),
                "unchanged": c.unchanged,
            }
            for name, c in self.tables.items()
        }


async def import_bundle(
    store: Store,
    bundle: domain.Bundle,
    *,
    source: str,
    now: dt.datetime,
    shift_days: int = 0,
) -> ImportSummary:
    """Write the bundle in one transaction; a failure leaves the database as it was."""
    async with store.write() as session:
        tables = {}
        for mirror in MIRRORS:
            tables[mirror.name] = await write_table(session, mirror, mirror.rows(bundle), now)
        run = models.ImportRunRow(
            imported_at=now,
            source=source,
            bundle_name=bundle.name,
            anchor_date=bundle.anchor_date,
            shift_days=shift_days,
            summary={},
        )
        summary = ImportSummary(run_id=0, tables=tables)
        run.summary = summary.counts()
        session.add(run)
        await bump_counter(session, FEEDS, now)
        await session.flush()
        assert run.id is not None
        summary.run_id = run.id
    log.info("imported %s as run %d", source, summary.run_id)
    return summary


async def load_bundle(store: Store) -> domain.Bundle:
    """The current data as a Bundle (active rows only), for the solver and for export."""
    async with store.read() as session:
        rows = {mirror.name: await active_rows(session, mirror) for mirror in MIRRORS}
        last = (
            await session.exec(
                select(models.ImportRunRow).order_by(col(models.ImportRunRow.id).desc()).limit(1)
            )
        ).first()
    name = last.bundle_name if last else ""
    anchor = last.anchor_date if last else None
    return bundle_from_rows(rows, name=name, anchor_date=anchor)


async def table_contents(store: Store) -> dict[str, list[Row]]:
    """Every mirrored table's rows, bookkeeping left out: for comparing two databases."""
    async with store.read() as session:
        result: dict[str, list[Row]] = {}
        for mirror in MIRRORS:
            records = (await session.exec(select(mirror.table))).all()
            rows: list[dict[str, Any]] = [
                {**row_values(r), "retired": r.retired_at is not None} for r in records
            ]
            result[mirror.name] = sorted(rows, key=lambda row: repr(sorted(row.items())))
        return result


def shift_for_today(bundle: domain.Bundle, today: dt.date) -> tuple[domain.Bundle, int]:
    """Move the bundle by whole weeks so its anchor date falls in today's week."""
    from coordinator.bundle import shift_bundle, weeks_to_today

    if bundle.anchor_date is None:
        return bundle, 0
    days = 7 * weeks_to_today(bundle.anchor_date, today)
    return (shift_bundle(bundle, days), days) if days else (bundle, 0)


async def import_into(
    store: Store,
    bundle: domain.Bundle,
    *,
    source: str,
    now: dt.datetime,
    shift_days: int = 0,
) -> ImportSummary:
    """Bring the schema up to date, then import."""
    from coordinator.store.schema import upgrade

    await upgrade(store)
    return await import_bundle(store, bundle, source=source, now=now, shift_days=shift_days)


def merged_for_region(
    current: domain.Bundle, uploaded: domain.Bundle, region_id: str
) -> BundleReport:
    """The stored data with one region's part replaced by an upload, checked as a whole by the
    bundle reader (blocking: run it in a thread). `tenancy.OutsideRegion` when the upload
    reaches beyond the region; nothing is written either way."""
    merged = merge_region(current, uploaded, region_id)
    with tempfile.TemporaryDirectory() as folder:
        write_bundle_csv(merged, Path(folder))
        return read_bundle(Path(folder))
