"""The example urban timetables of config/examples/, written by the project:

    .venv/bin/python -m tests.bundle.timetable_examples config/examples

An Excel 课程表 grid with two teachers (one sheet with bell times beside the periods, one
with period numbers only, whose times come from the bundle), an aSc Timetables XML export and
a FET file; the aSc and FET files are text and kept as they are.
"""

from __future__ import annotations

import sys
from pathlib import Path

import openpyxl

EXAMPLES = Path(__file__).parents[2] / "config" / "examples"
GRID_NAME = "课程表-城关实验小学.xlsx"
DAYS = ["星期一", "星期二", "星期三", "星期四", "星期五"]


def write_grid(path: Path) -> Path:
    workbook = openpyxl.Workbook()
    wangli = workbook.active
    assert wangli is not None
    wangli.title = "王丽"
    wangli.append(["教师：王丽  青山县实验小学 2026 年秋季"])
    wangli.merge_cells("A1:G1")  # a title across the sheet: kept, not a problem
    wangli.append(["节次", "时间", *DAYS])
    wangli.append(["第1节", "08:00-08:40", None, "三（1）班\n音乐\n音乐室", None, None, None])
    wangli.append(["第2节", "08:50-09:30", "四（2）班\n音乐", None, None, None, None])
    wangli.append(["第3节", "10:00-10:40", None, None, "五（1）班\n音乐", None, None])
    wangli.append(["午休", None, None, None, None, None, None])
    wangli.append(["第5节", "下午2:00-2:40", None, None, None, "合唱队", None])
    wangli.append(["第6节", "下午2:50-3:30", None, None, None, None, None])
    wangli.merge_cells("F7:F8")  # 合唱队, two periods running
    liuyang = workbook.create_sheet("刘洋")
    liuyang.append(["节次", "周一", "周二", "周三", "周四", "周五"])
    liuyang.append(["1", None, "二（1）班美术", None, None, None])
    liuyang.append(["2", None, None, None, None, "二（1）班美术"])
    liuyang.append(["4", "三（2）班美术", None, "三（2）班美术", None, None])
    workbook.save(path)
    return path


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else EXAMPLES
    print(write_grid(folder / GRID_NAME))  # noqa: T201 - a script's one line of output


if __name__ == "__main__":
    main()
