"""Converting a bundle between a CSV folder and a .xlsx workbook, validating it first."""

from __future__ import annotations

from pathlib import Path

from coordinator.bundle.problems import BundleReport, error
from coordinator.bundle.reader import read_bundle
from coordinator.bundle.writer import write_bundle_csv, write_bundle_xlsx


def convert(src: Path, dst: Path) -> BundleReport:
    """Read bundle `src` and write it to `dst` (a .xlsx path or a folder); nothing on errors."""
    report = read_bundle(src)
    if report.bundle is None:
        return report
    if dst.suffix.lower() == ".xlsx":
        if dst.is_dir():
            message = "is a folder; cannot write a workbook here"
            return BundleReport(None, [*report.problems, error(str(dst), None, None, message)])
        write_bundle_xlsx(report.bundle, dst)
    elif dst.exists() and not dst.is_dir():
        message = "is a file; give a folder for CSV files or a path ending in .xlsx"
        return BundleReport(None, [*report.problems, error(str(dst), None, None, message)])
    else:
        write_bundle_csv(report.bundle, dst)
    return report
