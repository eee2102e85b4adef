"""A staged upload checked against the stored data: written out to a temporary folder, a zip
unpacked safely, read, and set in the region's data (a whole bundle) or its one table.

Run by the web process when the file is sent, and again by the import job before it writes.
"""

from __future__ import annotations

import asyncio
import dataclasses
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import IO

from coordinator.bundle import DEFAULT_LIMITS, BundleReport, ReadLimits, read_bundle
from coordinator.bundle.packed import UnsafeZip, check_zip
from coordinator.services.data.imports import load_bundle, merged_for_region
from coordinator.services.data.one_table import (
    TableChanges,
    check_one_table,
    table_changes,
    table_of,
)
from coordinator.store import Store

MAX_FILES = 200
CHUNK = 1024 * 1024
SUFFIXES = (".zip", ".xlsx", ".xls", ".xlsm", ".ods", ".csv")  # .csv: one table alone


class UploadError(ValueError):
    """The upload is not a bundle we can read (wrong type, too big, unsafe zip)."""


async def checked(
    store: Store, region: str, file_name: str, table: str, data: bytes, limits: ReadLimits
) -> tuple[BundleReport, TableChanges | None]:
    """The upload checked with the stored data; for one table, what it changes.

    Raises UploadError (not readable), UnknownTableError (a CSV not named after a table) and
    OutsideRegion (a bundle that touches another county's rows).
    """
    with tempfile.TemporaryDirectory(prefix="coordinator-upload-") as folder:
        path = await asyncio.to_thread(written, Path(folder), file_name, data)
        if not table:
            report = await asyncio.to_thread(check, path, limits)
            if report.bundle is not None:
                current = await load_bundle(store)
                merged = await asyncio.to_thread(merged_for_region, current, report.bundle, region)
                report = dataclasses.replace(merged, read_as=report.read_as)
            return report, None
        name = table_of(f"{table}.csv")  # UnknownTableError unless it names a table
        current = await load_bundle(store)
        report = await asyncio.to_thread(check_one_table, current, region, name, path)
    if report.bundle is None:
        return report, None
    return report, table_changes(current, report.bundle, name)


def written(folder: Path, file_name: str, data: bytes) -> Path:
    """The staged bytes as a file in `folder` (a temporary one), to be read and checked."""
    suffix = PurePosixPath(file_name).suffix.lower()
    if suffix not in SUFFIXES:
        raise UploadError("the upload has expired; upload the file again")
    target = folder / f"bundle{suffix}"
    target.write_bytes(data)
    return target


def unpack(archive: Path, limits: ReadLimits) -> Path:
    """Extract a zip next to it, refusing absolute or `..` paths and zip bombs (checked on the
    zip's directory first, then on the bytes actually unpacked)."""
    destination = archive.parent / "bundle"
    try:
        check_zip(archive, limits, scan_xml=False)
    except UnsafeZip as error:
        raise UploadError("the zip holds too many or too large files") from error
    with zipfile.ZipFile(archive) as zipped:
        members = [m for m in zipped.infolist() if not m.is_dir()]
        if len(members) > MAX_FILES:
            raise UploadError("the zip holds too many or too large files")
        for member in members:
            name = PurePosixPath(member.filename)
            if name.is_absolute() or ".." in name.parts:
                raise UploadError(f"unsafe path in the zip: {member.filename}")
            if name.name.startswith(".") or "__MACOSX" in name.parts:
                continue
            target = destination.joinpath(*name.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            with zipped.open(member) as source, target.open("wb") as sink:
                copy_at_most(source, sink, member.file_size)
    return _bundle_root(destination)


def copy_at_most(source: IO[bytes], sink: IO[bytes], size: int) -> None:
    """Copy, refusing a member that unpacks to more than the zip's directory says."""
    copied = 0
    while chunk := source.read(CHUNK):
        copied += len(chunk)
        if copied > size:
            raise UploadError("the zip holds too many or too large files")
        sink.write(chunk)


def _bundle_root(folder: Path) -> Path:
    """The folder holding the CSV files: the top, or its only subfolder."""
    if not folder.exists():
        raise UploadError("the zip is empty")
    entries = list(folder.iterdir())
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return folder


def check(path: Path, limits: ReadLimits = DEFAULT_LIMITS) -> BundleReport:
    """Validate a staged upload (blocking: run it in a thread)."""
    try:
        return read_bundle(unpack(path, limits) if path.suffix == ".zip" else path, limits)
    except (zipfile.BadZipFile, OSError) as error:
        raise UploadError("not a valid zip file") from error
