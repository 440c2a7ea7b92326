"""The overview's SVG line charts: points placed on the window's time axis and a readable value axis."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tds.dashboard.charts import HEIGHT, PAD_BOTTOM, PAD_LEFT, PAD_TOP, WIDTH, line_chart

START = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
END = START + timedelta(hours=1)


def test_points_span_the_window_and_the_axis_top_is_rounded_up() -> None:
    """The first sample sits on the left edge, the last on the right; 73 rounds up to an axis of 100."""
    chart = line_chart(
        "queue_depth", [(START, 0.0), (START + timedelta(minutes=30), 73.0), (END, 36.5)], START, END
    )
    first, middle, last = (tuple(map(float, p.split(","))) for p in chart.points.split())
    assert first == (PAD_LEFT, HEIGHT - PAD_BOTTOM)
    assert middle[0] == PAD_LEFT + (WIDTH - PAD_LEFT) / 2
    assert last[0] == WIDTH
    assert chart.y_max == 100.0
    assert last[1] == pytest.approx(PAD_TOP + (HEIGHT - PAD_BOTTOM - PAD_TOP) * (1 - 36.5 / 100), abs=0.05)
    assert chart.last_value == 36.5


def test_no_samples_make_an_empty_chart_with_its_axis() -> None:
    """An empty series draws no line, keeps its five time labels, and has no last value."""
    chart = line_chart("failure_rate", [], START, END)
    assert chart.empty
    assert chart.last_value is None
    assert [label for _, label in chart.x_labels] == ["10:00", "10:15", "10:30", "10:45", "11:00"]


def test_long_windows_label_days_and_small_values_keep_a_unit_axis() -> None:
    """A 7-day window labels dates; values under 1 (a failure rate) get an axis of 1."""
    week = START - timedelta(days=7)
    chart = line_chart("failure_rate", [(week, 0.02), (START, 0.05)], week, START)
    assert chart.x_labels[0][1] == "11-24"
    assert chart.y_max == 1.0


def test_samples_outside_the_window_are_clamped_to_its_edges() -> None:
    """A bucket that starts before the window is drawn on its left edge, not off the chart."""
    chart = line_chart("x", [(START - timedelta(minutes=5), 4.0)], START, END)
    x, _ = map(float, chart.points.split(","))
    assert x == PAD_LEFT
