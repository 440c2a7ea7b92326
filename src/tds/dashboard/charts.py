"""Line charts as inline SVG geometry, computed on the server (pure: no I/O, no JavaScript)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

WIDTH = 600
HEIGHT = 160
PAD_LEFT = 44
PAD_BOTTOM = 20
PAD_TOP = 8


@dataclass(frozen=True)
class Chart:
    """What a template needs to draw one series: the polyline, the y-axis top, the time labels."""

    title: str
    points: str
    y_max: float
    x_labels: list[tuple[float, str]]
    last_value: float | None
    width: int = WIDTH
    height: int = HEIGHT
    left: int = PAD_LEFT
    bottom: int = HEIGHT - PAD_BOTTOM
    top: int = PAD_TOP

    @property
    def empty(self) -> bool:
        return not self.points


def line_chart(title: str, series: list[tuple[datetime, float]], start: datetime, end: datetime) -> Chart:
    """Places `series` on a time axis from `start` to `end` and a value axis from 0 to its maximum."""
    span_s = max((end - start).total_seconds(), 1.0)
    y_max = _nice_ceiling(max((value for _, value in series), default=0.0))
    plot_w, plot_h = WIDTH - PAD_LEFT, HEIGHT - PAD_BOTTOM - PAD_TOP
    coords = []
    for moment, value in series:
        x = PAD_LEFT + plot_w * min(max((moment - start).total_seconds() / span_s, 0.0), 1.0)
        y = PAD_TOP + plot_h * (1 - (value / y_max if y_max else 0.0))
        coords.append(f"{x:.1f},{y:.1f}")
    labels = []
    for i in range(5):
        moment = start + timedelta(seconds=span_s * i / 4)
        fmt = "%H:%M" if span_s <= 86_400 else "%m-%d"
        labels.append((PAD_LEFT + plot_w * i / 4, moment.strftime(fmt)))
    last = series[-1][1] if series else None
    return Chart(title, " ".join(coords), y_max, labels, last)


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 5 times 10^n at or above `value` (0 stays 0), for a readable axis."""
    if value <= 0:
        return 0.0
    magnitude = 10 ** (len(str(int(value))) - 1) if value >= 1 else 1.0
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return float(step * magnitude)
    return float(10 * magnitude)
