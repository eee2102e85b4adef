"""SVG charts: well-formed, Chinese titles and labels, one mark per point."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from coordinator.reporting import (
    Dimension,
    Label,
    ReportError,
    attendance_report,
    chart_svg,
    failure_causes,
    failure_chart,
    weekly_delivery_chart,
)
from coordinator.reporting.charts import Chart, Point, Style
from tests.reporting.world import facts

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def test_weekly_delivery_chart_draws_a_line_through_each_week() -> None:
    report = attendance_report(facts(), Dimension.WEEK)
    root = parse(chart_svg(weekly_delivery_chart(report)))
    assert root.find(f"{SVG}title") is not None
    assert "每周开课率" in texts(root)
    assert [t for t in texts(root) if t.startswith("第")] == ["第47周", "第48周"]
    assert [t for t in texts(root)[-4:] if t.endswith("%")][-2:] == ["80%", "0%"]
    assert len(root.findall(f"{SVG}circle")) == 2
    assert len(root.findall(f"{SVG}polyline")) == 1


def test_failure_chart_draws_a_bar_per_cause_in_english_too() -> None:
    root = parse(chart_svg(failure_chart(failure_causes(facts())), "en"))
    bars = [r for r in root.findall(f"{SVG}rect") if r.get("fill") != "#ffffff"]
    assert len(bars) == 4
    assert [float(b.get("height", "0")) > 0 for b in bars] == [True, False, False, True]
    assert {"Failures by cause", "Stream", "failed", "No power"} <= set(texts(root))


def test_chart_escapes_labels_and_shows_a_dash_for_unknown_values() -> None:
    chart = Chart(Label("<图>&", "x"), (Point(Label("a<b", "a<b"), None),), Style.BAR)
    root = parse(chart_svg(chart))
    assert {"<图>&", "a<b", "–"} <= set(texts(root))


def test_weekly_chart_needs_a_report_by_week() -> None:
    with pytest.raises(ReportError, match="by week"):
        weekly_delivery_chart(attendance_report(facts(), Dimension.SCHOOL))
