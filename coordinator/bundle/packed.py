"""Zip containers (an .xlsx workbook, an uploaded bundle) checked before anything is unpacked.

A zip bomb is refused from its directory alone (declared sizes and ratios), and each XML part
of a workbook is scanned for a DOCTYPE: spreadsheet XML never has one, so entity expansion
("billion laughs") and external entities cannot reach the reader.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from coordinator.bundle.limits import ReadLimits, megabytes

XML_SUFFIXES = (".xml", ".rels", ".vml")
CHUNK = 1024 * 1024
MARKERS = (b"<!DOCTYPE", b"<!ENTITY")


class UnsafeZip(ValueError):
    """A container that is not read: too big unpacked, a bomb, unsafe XML, or not a zip."""


def check_zip(path: Path, limits: ReadLimits, *, scan_xml: bool) -> None:
    """Raise UnsafeZip unless the zip at `path` unpacks within `limits` (and, when
    `scan_xml`, its XML parts declare no document type or entity); BadZipFile when it is
    no zip at all."""
    try:
        with zipfile.ZipFile(path) as zipped:
            members = [member for member in zipped.infolist() if not member.is_dir()]
            check_sizes(members, limits)
            if scan_xml:
                for member in members:
                    if member.filename.lower().endswith(XML_SUFFIXES):
                        scan_member(zipped, member)
    except (zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise UnsafeZip(f"cannot be unpacked ({exc})") from None
    except (zipfile.BadZipFile, UnsafeZip):
        raise  # a BadZipFile: the caller says what kind of file it expected
    except (OSError, RuntimeError, ValueError) as exc:  # damaged data, encrypted members
        raise UnsafeZip(f"cannot be unpacked ({exc})") from None


def check_sizes(members: list[zipfile.ZipInfo], limits: ReadLimits) -> None:
    """Refuse a total unpacked size or one member's packing ratio beyond the limits."""
    total = sum(member.file_size for member in members)
    if total > limits.max_unpacked_bytes:
        raise UnsafeZip(
            f"would unpack to {megabytes(total)}, more than the "
            f"{megabytes(limits.max_unpacked_bytes)} allowed; split the data into smaller files"
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > CHUNK and ratio > limits.max_ratio:
            raise UnsafeZip(
                f"part {member.filename!r} is packed {ratio:.0f} times (a zip bomb?); "
                "save the file again from Excel or WPS"
            )


def scan_member(zipped: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Refuse an XML part that declares a document type or entities, and one that unpacks to
    more than its directory said."""
    seen = 0
    tail = b""
    with zipped.open(member) as stream:
        while chunk := stream.read(CHUNK):
            seen += len(chunk)
            if seen > member.file_size:
                raise UnsafeZip(f"part {member.filename!r} is larger than its zip entry says")
            window = tail + chunk
            if any(marker in window for marker in MARKERS):
                raise UnsafeZip(
                    f"part {member.filename!r} declares XML entities, which a spreadsheet "
                    "never does; save the file again from Excel or WPS"
                )
            tail = window[-16:]
