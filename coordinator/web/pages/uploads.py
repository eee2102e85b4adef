"""Uploaded bundles: the file field read whole, to be checked and staged in the database."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from aiohttp import BodyPartReader, MultipartReader

from coordinator.services.data.uploaded import SUFFIXES, UploadError

__all__ = ["Received", "UploadError", "receive"]


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
