"""Tests of the pure calendar package: terms, dated lessons and iCalendar feeds."""
