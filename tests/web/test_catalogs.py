"""Every user-facing string is in both catalogs: extracted from the code and the templates with
Babel (the `_`, `N_`, `gettext` and `gettext_of` calls), each must have a non-empty msgstr in
the Chinese catalog and be listed in the English one (the source language: an empty msgstr
there is the msgid itself), and no Chinese translation may be left in English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).parents[2]
KEYWORDS = {"_": None, "N_": None, "gettext": None, "gettext_of": (2,), "ngettext": (1, 2)}
METHODS = [("**.py", "python"), ("**.html", "jinja2.ext:babel_extract")]
# msgids that are the same in Chinese (names of things, formats) and may stay ASCII there
SAME_IN_CHINESE = re.compile(r"^[\W\d_%()sd]*$|^(iCal|ICS|CSV|XLSX|API|URL|QR|ID|HLS|RTMP)\b")


def extracted() -> dict[str, str]:
    """msgid -> where it was first found."""
    found: dict[str, str] = {}
    for folder in (ROOT / "coordinator", ROOT / "templates"):
        for filename, line, message, _comments, _context in extract_from_dir(
            str(folder), METHODS, keywords=KEYWORDS
        ):
            msgid = message[0] if isinstance(message, tuple) else message
            if msgid:
                found.setdefault(msgid, f"{folder.name}/{filename}:{line}")
    return found


def catalog(language: str) -> dict[str, str]:
    path = ROOT / "coordinator" / "locale" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as stream:
        return {
            str(message.id): str(message.string)
            for message in read_po(stream)
            if message.id and isinstance(message.id, str)
        }


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_extracted_string_is_translated(language: str) -> None:
    messages = catalog(language)
    missing = [
        f"{where}: {msgid!r}"
        for msgid, where in sorted(extracted().items(), key=lambda item: item[1])
        # English is the source language: an empty msgstr there means the msgid itself
        if msgid not in messages or (language == "zh" and not messages[msgid])
    ]
    assert not missing, f"{len(missing)} untranslated in {language}:\n" + "\n".join(missing)


def test_no_chinese_translation_is_an_english_sentence() -> None:
    english_left = [
        f"{msgid!r}"
        for msgid, text in catalog("zh").items()
        if re.search(r"[A-Za-z]{3,} [A-Za-z]{3,}", text) and not re.search(r"[\u4e00-\u9fff]", text)
    ]
    assert not english_left, "\n".join(english_left)
