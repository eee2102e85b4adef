"""Text files as Chinese Office saves them: which encoding, found from the bytes alone.

Order: a byte-order mark first (UTF-8, UTF-16 LE or BE); then UTF-16 without a mark, told by
its zero bytes (the ASCII column names of a header are half zeros in UTF-16); then strict
UTF-8; then GB18030, the superset of GBK that Chinese Excel and WPS write as "CSV". UTF-8 is
tried before GB18030 because a multi-byte UTF-8 text almost never happens to be valid
GB18030 *and* meaningful, while any GBK text with a Chinese character fails strict UTF-8.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

BOMS = (
    (codecs.BOM_UTF8, "utf-8", "UTF-8 with BOM"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE with BOM"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE with BOM"),
)
SAMPLE = 4096  # bytes looked at to tell UTF-16 without a mark
ZERO_SHARE = 0.3  # UTF-16 of a header of ASCII names has a zero in about every other byte


@dataclass(frozen=True, slots=True)
class Decoded:
    """A file's text and the name of the encoding it was read in (shown in summaries)."""

    text: str
    encoding: str


class NotText(ValueError):
    """Bytes that are no known text encoding; `line` is where the first bad byte is."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def decode_text(data: bytes) -> Decoded:
    """The text of `data` in the first encoding that reads it whole (see the module doc)."""
    for bom, codec, label in BOMS:
        if data.startswith(bom):
            return Decoded(_strict(data[len(bom) :], codec, label), label)
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        codec, label = utf16
        return Decoded(_strict(data, codec, label), label)
    try:
        return Decoded(data.decode("utf-8"), "UTF-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    try:
        return Decoded(data.decode("gb18030"), "GB18030 (GBK)")
    except UnicodeDecodeError:
        pass
    line = data[: utf8_error.start].count(b"\n") + 1
    byte = data[utf8_error.start]
    message = (
        f"is neither UTF-8, GBK/GB18030 nor UTF-16 text (byte 0x{byte:02X} on this line); "
        "save it from Excel or WPS as 'CSV UTF-8 (comma delimited)'"
    )
    raise NotText(message, line)


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """('utf-16-le' or 'utf-16-be', label) when the zero bytes say UTF-16, else None."""
    sample = data[:SAMPLE]
    if len(sample) < 2 or b"\x00" not in sample:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) / 2
    if odd >= ZERO_SHARE * half and odd > 4 * even:
        return "utf-16-le", "UTF-16 LE"
    if even >= ZERO_SHARE * half and even > 4 * odd:
        return "utf-16-be", "UTF-16 BE"
    return None


def _strict(data: bytes, codec: str, label: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        text = data[: exc.start].decode(codec, errors="replace")
        line = text.count("\n") + 1
        raise NotText(f"is not valid {label} text (a bad byte on this line)", line) from None
