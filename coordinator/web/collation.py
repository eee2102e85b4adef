"""People and places in the order a Chinese reader looks for them: by pinyin (pypinyin reads
each name with its phrase dictionary, so 长沙 sorts under chang, not zhang), then as written."""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin


def pinyin_key(name: str) -> tuple[str, str]:
    """A sort key: the name's pinyin with tone numbers (王丽 -> "wang2 li4"), then the name."""
    return " ".join(lazy_pinyin(name, style=Style.TONE3)).lower(), name
