"""Charts drawn on the server as SVG geometry (no script, no CDN; the CSP allows no inline style,
so colours come from classes in app.css). Every chart stands beside the table it draws."""
from dataclasses import dataclass

WIDTH, HEIGHT, PAD, TOP = 600, 200, 28, 12  # PAD: the axis labels on the left and below
MAX_BAR = 48


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int
    value: float
    label: str
    link: str | None = None


def bars(labels: list[str], series: list[list[float | None]], maximum: float | None = None,
         links: list[list[str | None]] | None = None) -> dict:
    """Grouped bars: one group per label, one bar per series; None draws nothing."""
    values = [v for values in series for v in values if v is not None]
    top = maximum or max(values, default=0) or 1
    count = max(len(labels), 1)
    slot = (WIDTH - PAD) / count
    width = min(slot * 0.8 / max(len(series), 1), MAX_BAR)
    inset = (slot - width * len(series)) / 2
    out = []
    for index, label in enumerate(labels):
        for number, values in enumerate(series):
            value = values[index]
            if value is None:
                continue
            height = (HEIGHT - PAD - TOP) * value / top
            out.append(Bar(round(PAD + index * slot + inset + number * width, 1),
                           round(HEIGHT - PAD - height, 1), round(width, 1), round(height, 1), number, value,
                           label, links[number][index] if links else None))
    ticks = [{"y": round(HEIGHT - PAD - (HEIGHT - PAD - TOP) * share, 1), "value": round(top * share, 1)}
             for share in (0, 0.5, 1)]
    labels_at = [{"x": round(PAD + index * slot + slot / 2, 1), "text": label} for index, label in enumerate(labels)]
    return {"bars": out, "ticks": ticks, "labels": labels_at, "width": WIDTH, "height": HEIGHT, "pad": PAD}
