"""Server-rendered SVG charts: the geometry is computed here and drawn by the templates
``analytics/reports/_line_chart.html`` and ``_bar_chart.html``. Nothing runs in the
browser and nothing is loaded from elsewhere."""

import math
from dataclasses import dataclass, field

WIDTH = 640
HEIGHT = 240
LEFT = 56
RIGHT = 16
TOP = 16
BOTTOM = 36
MAX_X_LABELS = 8
PALETTE = ("#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed")


@dataclass
class Series:
    label: str
    values: list[float | None]
    color: str = ""
    segments: list[str] = field(default_factory=list)
    dots: list[tuple[float, float, str]] = field(default_factory=list)


@dataclass
class Tick:
    position: float
    label: str


@dataclass
class Chart:
    title: str
    width: int
    height: int
    series: list[Series]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    bars: list[dict] = field(default_factory=list)
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    plot_top: int = TOP
    plot_bottom: int = HEIGHT - BOTTOM

    @property
    def empty(self) -> bool:
        return not self.bars and not any(value is not None for s in self.series for value in s.values)


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _format(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


Y_TICKS = 4


def _y_axis(top_value: float, *, integer: bool = False) -> tuple[float, list[Tick]]:
    """The axis' top and its ticks. A count's axis (``integer``) has whole-number ticks:
    its top is a multiple of the number of steps (0, 1, 2, 3, 4 for counts up to 4)."""
    top = _nice_max(top_value)
    if integer:
        top = Y_TICKS * max(1, math.ceil(_nice_max(top_value / Y_TICKS)))
    span = HEIGHT - BOTTOM - TOP
    ticks = [
        Tick(position=HEIGHT - BOTTOM - span * i / Y_TICKS, label=_format(top * i / Y_TICKS))
        for i in range(Y_TICKS + 1)
    ]
    return top, ticks


def line_chart(
    title: str,
    x_labels: list[str],
    series: list[tuple[str, list[float | None]]],
    y_max: float | None = None,
    *,
    integer: bool = False,
) -> Chart:
    """Lines over ``x_labels``; a ``None`` value breaks its line. ``integer``: the values
    are counts, the axis has whole-number ticks."""
    values = [v for _, vs in series for v in vs if v is not None]
    top, y_ticks = _y_axis(y_max if y_max is not None else max(values, default=0), integer=integer)
    count = len(x_labels)
    span_x = WIDTH - LEFT - RIGHT
    span_y = HEIGHT - BOTTOM - TOP

    def x_at(i: int) -> float:
        return LEFT + (span_x * i / (count - 1) if count > 1 else span_x / 2)

    def y_at(v: float) -> float:
        return HEIGHT - BOTTOM - span_y * min(v, top) / top

    drawn = []
    for index, (label, points) in enumerate(series):
        line = Series(label=label, values=points, color=PALETTE[index % len(PALETTE)])
        current: list[str] = []
        for i, value in enumerate(points):
            if value is None:
                if current:
                    line.segments.append(" ".join(current))
                current = []
                continue
            x, y = round(x_at(i), 1), round(y_at(value), 1)
            current.append(f"{x},{y}")
            line.dots.append((x, y, f"{x_labels[i]}: {_format(value)}"))
        if current:
            line.segments.append(" ".join(current))
        drawn.append(line)
    step = max(1, math.ceil(count / MAX_X_LABELS))
    x_ticks = [Tick(position=round(x_at(i), 1), label=x_labels[i]) for i in range(0, count, step)]
    return Chart(title=title, width=WIDTH, height=HEIGHT, series=drawn, x_ticks=x_ticks, y_ticks=y_ticks)


def bar_chart(title: str, labels: list[str], values: list[float | None], *, integer: bool = True) -> Chart:
    """One bar per label; a ``None`` value draws no bar. Bars count things (``integer``,
    whole-number ticks) unless told otherwise."""
    top, y_ticks = _y_axis(max((v for v in values if v is not None), default=0), integer=integer)
    count = max(len(labels), 1)
    slot = (WIDTH - LEFT - RIGHT) / count
    span_y = HEIGHT - BOTTOM - TOP
    bars = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        height = 0.0 if value is None else span_y * min(value, top) / top
        bars.append(
            {
                "x": round(LEFT + slot * i + slot * 0.15, 1),
                "y": round(HEIGHT - BOTTOM - height, 1),
                "width": round(slot * 0.7, 1),
                "height": round(height, 1),
                "label": label,
                "label_x": round(LEFT + slot * i + slot / 2, 1),
                "title": f"{label}: {'–' if value is None else _format(value)}",
            }
        )
    return Chart(title=title, width=WIDTH, height=HEIGHT, series=[], x_ticks=[], y_ticks=y_ticks, bars=bars)
