"""Reading, validating and writing the CSV/XLSX data bundle (see docs/data-format.md)."""

from coordinator.bundle.convert import convert
from coordinator.bundle.limits import DEFAULT_LIMITS, ReadLimits
from coordinator.bundle.problems import BundleReport, Problem
from coordinator.bundle.reader import read_bundle
from coordinator.bundle.shift import shift_bundle, weeks_to_today
from coordinator.bundle.writer import write_bundle_csv, write_bundle_xlsx

__all__ = [
    "DEFAULT_LIMITS",
    "BundleReport",
    "Problem",
    "ReadLimits",
    "convert",
    "read_bundle",
    "shift_bundle",
    "weeks_to_today",
    "write_bundle_csv",
    "write_bundle_xlsx",
]
