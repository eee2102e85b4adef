"""Which reader a bundle path needs: a folder of CSV/text files, or a workbook."""

from __future__ import annotations

from pathlib import Path

from coordinator.bundle.limits import ReadLimits
from coordinator.bundle.problems import error
from coordinator.bundle.sources import Source, load_csv_folder
from coordinator.bundle.workbooks import WORKBOOK_SUFFIXES, load_workbook


def is_workbook(path: Path) -> bool:
    """Whether `path` names a workbook file rather than a folder."""
    return path.suffix.lower() in WORKBOOK_SUFFIXES and not path.is_dir()


def load_source(path: Path, limits: ReadLimits) -> Source:
    """The tables of a bundle folder or workbook; a bad path gives a problem, not an exception."""
    if path.is_dir():
        return load_csv_folder(path, limits)
    if is_workbook(path) and path.is_file():
        return load_workbook(path, limits)
    if not path.exists():
        message = "no such file or folder"
    elif path.suffix.lower() in {".csv", ".txt"}:
        message = "is one CSV file; give the folder that holds all the bundle's CSV files"
    elif path.suffix.lower() in {".et", ".numbers", ".wps"}:
        message = "is not a workbook Excel can open; save it as Excel Workbook (.xlsx)"
    else:
        message = "is neither a folder of CSV files nor a workbook (.xlsx, .xls, .ods)"
    return Source(problems=[error(str(path), None, None, message)], opened=False)
