"""Uploaded bundles: read whole (to be staged in the database), written out to be checked,
zip unpacked safely."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from aiohttp import BodyPartReader, MultipartReader

from coordinator.bundle import DEFAULT_LIMITS, BundleReport, ReadLimits, read_bundle
from coordinator.bundle.packed import UnsafeZip, check_zip

MAX_FILES = 200
CHUNK = 1024 * 1024
SUFFIXES = (".zip", ".xlsx", ".xls", ".xlsm", ".ods", ".csv")  # .csv: one table alone


class UploadError(ValueError):
    """The upload is not a bundle we can read (wrong type, too big, unsafe zip)."""


@dataclass(frozen=True, slots=True)
class Received:
    """An uploaded file read whole: its name, the table a single CSV replaces, its bytes."""

    file_name: str
    table: str
    data: bytes


async def receive(reader: MultipartReader, limit: int) -> Received:
    """Read the `bundle` file field (at most `limit` bytes) to be staged in the database."""
    part = await reader.next()
    if not isinstance(part, BodyPartReader) or part.name != "bundle" or not part.filename:
        raise UploadError("choose a .zip or .xlsx file")
    name = PurePosixPath(part.filename)
    if name.suffix.lower() not in SUFFIXES:
        raise UploadError(
            "only .zip (a CSV folder), workbook (.xlsx, .xls, .ods) or one table as .csv"
        )
    # which table a lone CSV replaces, from its name (checked by the caller)
    table = name.stem.lower() if name.suffix.lower() == ".csv" else ""
    chunks: list[bytes] = []
    size = 0
    while chunk := await part.read_chunk():
        size += len(chunk)
        if size > limit:
            raise UploadError(f"the file is larger than {limit // (1024 * 1024)} MB")
        chunks.append(chunk)
    return Received(name.name, table, b"".join(chunks))


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
