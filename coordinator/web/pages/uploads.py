"""Uploaded bundles: kept in a staging folder between "check" and "import", zip unpacked safely."""

from __future__ import annotations

import secrets
import shutil
import tempfile
import time
import zipfile
from pathlib import Path, PurePosixPath
from typing import IO

from aiohttp import BodyPartReader, MultipartReader

from coordinator.bundle import DEFAULT_LIMITS, BundleReport, ReadLimits, read_bundle
from coordinator.bundle.packed import UnsafeZip, check_zip

STAGING = Path(tempfile.gettempdir()) / "coordinator-uploads"
MAX_FILES = 200
CHUNK = 1024 * 1024
KEEP_S = 3600  # a staged upload older than this is removed
SUFFIXES = (".zip", ".xlsx", ".xls", ".xlsm", ".ods", ".csv")  # .csv: one table alone


class UploadError(ValueError):
    """The upload is not a bundle we can read (wrong type, too big, unsafe zip)."""


def staged_dir(upload_id: str) -> Path:
    if not upload_id.isalnum():
        raise UploadError("bad upload id")
    return STAGING / upload_id


async def receive(reader: MultipartReader, limit: int) -> tuple[str, Path]:
    """Save the `bundle` file field into a new staging folder; returns (id, file path)."""
    part = await reader.next()
    if not isinstance(part, BodyPartReader) or part.name != "bundle" or not part.filename:
        raise UploadError("choose a .zip or .xlsx file")
    suffix = PurePosixPath(part.filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise UploadError(
            "only .zip (a CSV folder), workbook (.xlsx, .xls, .ods) or one table as .csv"
        )
    _clean_old()
    upload_id = secrets.token_hex(16)
    folder = staged_dir(upload_id)
    folder.mkdir(parents=True, mode=0o700)
    target = folder / f"bundle{suffix}"
    if suffix == ".csv":  # which table it replaces, from its name (checked by the caller)
        (folder / "table").write_text(PurePosixPath(part.filename).stem.lower(), encoding="utf-8")
    size = 0
    with target.open("wb") as stream:
        while chunk := await part.read_chunk():
            size += len(chunk)
            if size > limit:
                shutil.rmtree(folder, ignore_errors=True)
                raise UploadError(f"the file is larger than {limit // (1024 * 1024)} MB")
            stream.write(chunk)
    return upload_id, target


def _clean_old() -> None:
    if not STAGING.exists():
        return
    for folder in STAGING.iterdir():
        if time.time() - folder.stat().st_mtime > KEEP_S:
            shutil.rmtree(folder, ignore_errors=True)


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


def staged_file(upload_id: str) -> Path:
    for suffix in SUFFIXES:
        candidate = staged_dir(upload_id) / f"bundle{suffix}"
        if candidate.exists():
            return candidate
    raise UploadError("the upload has expired; upload the file again")


def discard(upload_id: str) -> None:
    shutil.rmtree(staged_dir(upload_id), ignore_errors=True)


def staged_table(upload_id: str) -> str | None:
    """The table a staged single-CSV upload replaces (None: a whole bundle)."""
    marker = staged_dir(upload_id) / "table"
    return marker.read_text(encoding="utf-8") if marker.exists() else None
