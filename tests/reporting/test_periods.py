"""Named periods (this week ... this term), typed dates and the one-school-year cap."""

from __future__ import annotations

import datetime as dt

import pytest

from coordinator.reporting.periods import (
    PeriodError,
    PeriodErrorCode,
    Preset,
    TermSpan,
    custom_span,
    matching_preset,
    preset_span,
)

WEDNESDAY = dt.date(2026, 11, 25)
AUTUMN = TermSpan(dt.date(2026, 9, 1), dt.date(2027, 1, 22))
SPRING = TermSpan(dt.date(2026, 2, 24), dt.date(2026, 7, 10))


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.mark.parametrize(
    ("preset", "today", "span"),
    [
        (Preset.THIS_WEEK, WEDNESDAY, ("2026-11-23", "2026-11-25")),
        (Preset.LAST_WEEK, WEDNESDAY, ("2026-11-16", "2026-11-22")),
        (Preset.THIS_MONTH, WEDNESDAY, ("2026-11-01", "2026-11-25")),
        (Preset.LAST_MONTH, WEDNESDAY, ("2026-10-01", "2026-10-31")),
        (Preset.LAST_MONTH, d("2027-01-05"), ("2026-12-01", "2026-12-31")),
        (Preset.THIS_TERM, WEDNESDAY, ("2026-09-01", "2026-11-25")),
        (Preset.THIS_TERM, d("2026-08-10"), ("2026-02-24", "2026-07-10")),  # summer: spring
    ],
)
def test_presets_end_today_at_the_latest(
    preset: Preset, today: dt.date, span: tuple[str, str]
) -> None:
    assert preset_span(preset, today, [AUTUMN, SPRING]) == (d(span[0]), d(span[1]))


def test_this_term_without_any_term_names_the_period_field() -> None:
    with pytest.raises(PeriodError) as raised:
        preset_span(Preset.THIS_TERM, WEDNESDAY, [])
    assert (raised.value.field, raised.value.code) == ("period", PeriodErrorCode.NO_TERM)


@pytest.mark.parametrize(
    ("first", "last", "field", "code"),
    [
        ("2026-13-01", "2026-11-25", "from", PeriodErrorCode.NOT_A_DATE),
        ("2026-11-01", "25.11.2026", "to", PeriodErrorCode.NOT_A_DATE),
        ("", "2026-11-25", "from", PeriodErrorCode.MISSING),
        ("1999-12-31", "2000-01-05", "from", PeriodErrorCode.OUT_OF_RANGE),
        ("2026-11-25", "2026-11-01", "to", PeriodErrorCode.REVERSED),
        ("2025-11-24", "2026-11-25", "to", PeriodErrorCode.TOO_LONG),  # 367 days
    ],
)
def test_bad_dates_name_their_field(
    first: str, last: str, field: str, code: PeriodErrorCode
) -> None:
    with pytest.raises(PeriodError) as raised:
        custom_span(first, last)
    assert (raised.value.field, raised.value.code) == (field, code)


def test_a_whole_school_year_is_allowed() -> None:
    assert custom_span(" 2025-11-25", "2026-11-25 ") == (d("2025-11-25"), d("2026-11-25"))


def test_dates_that_are_a_preset_today_are_recognised() -> None:
    assert matching_preset((d("2026-11-23"), WEDNESDAY), WEDNESDAY) is Preset.THIS_WEEK
    assert matching_preset((d("2026-09-01"), WEDNESDAY), WEDNESDAY, [AUTUMN]) is Preset.THIS_TERM
    assert matching_preset((d("2026-11-02"), WEDNESDAY), WEDNESDAY) is None
