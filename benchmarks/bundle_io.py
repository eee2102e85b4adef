"""Reading bundles: validate + import of a province, and hostile files, with time and peak memory.

Each case runs in its own process, so its peak memory (ru_maxrss) is its own:

- `province-utf8` / `province-gbk`: a province-size synthetic bundle (6,000 classrooms, 2,000
  teachers) written as CSV files (UTF-8, then GBK as Chinese Excel saves them), validated,
  then imported into a new SQLite file;
- `province-xlsx`: the same bundle as one workbook, validated (calamine);
- `hostile-1m`: the demo bundle with a busy_blocks.csv of 1,000,000 copies of one line, read
  with the default caps (refused at the row cap) and with the cap raised past it (every line
  parsed and checked);
- `overlaps`: the busy-block overlap check alone on n copies of one block: the sort-then-sweep
  check beside the naive pairwise one it replaced (quadratic), at sizes where both finish.

    .venv/bin/python -m benchmarks.bundle_io
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from coordinator.bundle import ReadLimits, read_bundle, write_bundle_csv, write_bundle_xlsx
from coordinator.bundle.synthetic import generate_bundle
from coordinator.bundle.time_checks import Clashes, blocks_overlapping, overlap
from coordinator.domain import BusyBlock
from coordinator.services.data.imports import import_into
from coordinator.store import Store

DEMO = Path(__file__).parents[1] / "config" / "demo"
NOW = dt.datetime(2026, 9, 1, tzinfo=dt.UTC)
CASES = ("province-utf8", "province-gbk", "province-xlsx", "hostile-1m", "overlaps")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def province(folder: Path, encoding: str) -> Path:
    bundle = generate_bundle(classrooms=6000, teachers=2000, seed=3)
    write_bundle_csv(bundle, folder)
    if encoding != "utf-8":
        for path in folder.glob("*.csv"):
            path.write_bytes(path.read_text(encoding="utf-8-sig").encode(encoding))
    return folder


def validate_and_import(path: Path, database: Path) -> dict[str, float]:
    started = time.perf_counter()
    report = read_bundle(path)
    validated = time.perf_counter() - started
    assert report.bundle is not None, [str(p) for p in report.errors[:5]]
    bundle = report.bundle

    async def run() -> None:
        store = Store(str(database))
        try:
            await import_into(store, bundle, source="bench", now=NOW)
        finally:
            await store.close()

    started = time.perf_counter()
    asyncio.run(run())
    imported = time.perf_counter() - started
    return {"validate_s": validated, "import_s": imported, "peak_mb": peak_mb()}


def hostile(folder: Path, limits: ReadLimits) -> dict[str, float]:
    shutil.copytree(DEMO, folder, dirs_exist_ok=True)
    line = b"t-wangli,1;3,08:50,09:30,\n"
    (folder / "busy_blocks.csv").write_bytes(b"teacher_id,weekdays,start,end,note\n" + line * 10**6)
    started = time.perf_counter()
    report = read_bundle(folder, limits)
    elapsed = time.perf_counter() - started
    return {"validate_s": elapsed, "problems": len(report.problems), "peak_mb": peak_mb()}


def naive_overlaps(blocks: list[tuple[int, BusyBlock]]) -> Clashes:
    """The pairwise check this issue replaced: every block against every earlier one."""
    seen: dict[tuple[str, int], list[tuple[int, BusyBlock]]] = defaultdict(list)
    clashes: Clashes = defaultdict(list)
    for line, block in blocks:
        for other_line, other in seen[(block.teacher_id, block.weekday)]:
            if overlap(block.start, block.end, other.start, other.end):
                clashes[(line, other_line)].append(block.weekday)
        seen[(block.teacher_id, block.weekday)].append((line, block))
    return clashes


def overlaps(size: int, naive: bool) -> dict[str, float]:
    block = BusyBlock("t", 1, dt.time(8, 50), dt.time(9, 30), "")
    blocks = [(line, block) for line in range(2, size + 2)]
    started = time.perf_counter()
    found = (naive_overlaps if naive else blocks_overlapping)(blocks)
    return {"s": time.perf_counter() - started, "pairs": len(found), "peak_mb": peak_mb()}


def measure(case: str, argument: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        if case in {"province-utf8", "province-gbk"}:
            encoding = "utf-8" if case == "province-utf8" else "gbk"
            return validate_and_import(province(folder / "csv", encoding), folder / "c.db")
        if case == "province-xlsx":
            path = folder / "province.xlsx"
            write_bundle_xlsx(generate_bundle(classrooms=6000, teachers=2000, seed=3), path)
            return validate_and_import(path, folder / "c.db")
        if case == "hostile-1m":
            cap = ReadLimits() if argument == "default" else ReadLimits(max_rows=1_100_000)
            return hostile(folder / "demo", cap)
        return overlaps(int(argument), naive=case == "naive")


def child(case: str, argument: str = "") -> dict[str, float]:
    command = [sys.executable, "-m", "benchmarks.bundle_io", "--case", case, argument]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result: dict[str, float] = json.loads(output.splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--case", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000])
    args = parser.parse_args()
    if args.case:
        print(json.dumps(measure(*args.case)))
        return
    print(f"{os.cpu_count()} CPUs; load average before: {os.getloadavg()[0]:.1f}\n")
    print("| case | validate s | import s | peak MB |\n|---|---:|---:|---:|")
    for case in ("province-utf8", "province-gbk", "province-xlsx"):
        row = child(case)
        print(
            f"| {case} | {row['validate_s']:.1f} | {row['import_s']:.1f} | {row['peak_mb']:.0f} |"
        )
    print("\n| 1M-row busy_blocks.csv | validate s | problems | peak MB |\n|---|---:|---:|---:|")
    for argument in ("default", "raised"):
        row = child("hostile-1m", argument)
        label = "default caps (refused)" if argument == "default" else "cap raised to 1.1M"
        print(
            f"| {label} | {row['validate_s']:.1f} | {row['problems']:.0f} | {row['peak_mb']:.0f} |"
        )
    print(
        "\n| copies of one busy block | sweep s | sweep MB | naive s | naive MB | naive pairs |"
        "\n|---:|---:|---:|---:|---:|---:|"
    )
    for size in args.sizes:
        sweep, naive = child("sweep", str(size)), child("naive", str(size))
        print(
            f"| {size} | {sweep['s']:.3f} | {sweep['peak_mb']:.0f} | {naive['s']:.2f} | "
            f"{naive['peak_mb']:.0f} | {naive['pairs']:.0f} |",
            flush=True,
        )
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
