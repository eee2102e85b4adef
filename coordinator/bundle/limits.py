"""How much one bundle file may hold: rows, bytes, and what a zip may unpack to."""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """Caps checked before a file is read whole, so no upload can exhaust the server.

    A province-size bundle (see docs/benchmarks.md) stays far inside the defaults.
    """

    max_rows: int = 200_000  # lines of one CSV file or sheet
    max_columns: int = 256  # columns of one sheet (a bundle file has fewer than 20)
    max_file_bytes: int = 50 * MIB  # one CSV file or workbook as stored
    max_unpacked_bytes: int = 400 * MIB  # everything inside one workbook or zip, unpacked
    max_ratio: int = 200  # unpacked size / packed size of one member (zip bombs are ≥ 1000)


DEFAULT_LIMITS = ReadLimits()


def megabytes(size: int) -> str:
    """`50 MB` for 50 MiB, one decimal below 10 MB, kilobytes below 1 MB."""
    if size < MIB:
        return f"{max(size // 1024, 1)} KB"
    value = size / MIB
    return f"{value:.0f} MB" if value >= 10 or value.is_integer() else f"{value:.1f} MB"
