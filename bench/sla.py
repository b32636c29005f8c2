"""The SLA engine's speed, in one process, without a database.

    .venv/bin/python bench/sla.py --calendar-only

The calendar part times ``sla.calendar.WorkingCalendar`` on a 9-18 Monday-Friday calendar in
Europe/Kyiv with three years of holidays: ``add`` calls/s (durations from 1 minute to 30 working
days), ``elapsed`` calls/s (spans up to 60 days), ``add`` with three pauses, and the cost of a
1-minute ``add`` beside a 100,000-minute one. Each figure is the best of ``--repeat`` runs over the
same ``--calls`` random starts, after a warm-up pass that lays out the calendar's tables.
The sweep and escalation parts are to come.
"""
import argparse
import os
import platform
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sla.calendar import WorkingCalendar  # noqa: E402

KYIV = ZoneInfo("Europe/Kyiv")
FIXED_HOLIDAYS = ("01-01", "03-08", "05-01", "05-08", "06-28", "07-15", "08-24", "10-01", "12-25")
MOVABLE_HOLIDAYS = ("2025-04-21", "2025-06-09", "2026-04-13", "2026-06-01", "2027-05-03", "2027-06-21")
MAX_MINUTES = 30 * 9 * 60  # 30 working days of 9 hours


def office_calendar() -> WorkingCalendar:
    holidays = [f"{year}-{md}" for year in (2025, 2026, 2027) for md in FIXED_HOLIDAYS] + list(MOVABLE_HOLIDAYS)
    return WorkingCalendar.from_dict({
        "timezone": "Europe/Kyiv",
        "weekly": {day: [["09:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")},
        "holidays": holidays,
    })


def best_rate(repeat: int, calls: int, run) -> float:
    """Calls per second of the fastest of ``repeat`` runs of ``run()`` (which makes ``calls`` calls)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return calls / best


def bench_calendar(calls: int = 200_000, repeat: int = 3, seed: int = 1) -> dict:
    """Time add/elapsed on the office calendar; print the figures and return them."""
    calendar = office_calendar()
    rng = random.Random(seed)
    origin = datetime(2025, 1, 1, tzinfo=KYIV)
    span = int((datetime(2028, 1, 1, tzinfo=KYIV) - origin).total_seconds())
    starts = [origin + timedelta(seconds=rng.randrange(span)) for _ in range(calls)]
    minutes = [rng.randint(1, MAX_MINUTES) for _ in range(calls)]
    ends = [start + timedelta(seconds=rng.randrange(60 * 86400)) for start in starts]
    pauses = [[(s + timedelta(hours=h), s + timedelta(hours=h + 2)) for h in (30, 2, 1)] for s in starts[:calls // 10]]
    add, elapsed = calendar.add, calendar.elapsed

    for start, m, end in zip(starts, minutes, ends, strict=True):  # warm-up: lays out the whole window once
        add(start, m)
        add(start, 100_000)
        elapsed(start, end)

    def run_add():
        for start, m in zip(starts, minutes, strict=True):
            add(start, m)

    def run_elapsed():
        for start, end in zip(starts, ends, strict=True):
            elapsed(start, end)

    def run_paused():
        for start, m, p in zip(starts, minutes, pauses, strict=False):
            add(start, m, p)

    def run_fixed(m):
        def run():
            for start in starts:
                add(start, m)
        return run

    figures = {
        "add calls/s": best_rate(repeat, calls, run_add),
        "elapsed calls/s": best_rate(repeat, calls, run_elapsed),
        "add with 3 pauses calls/s": best_rate(repeat, len(pauses), run_paused),
        "1-minute add, µs": 1e6 / best_rate(repeat, calls, run_fixed(1)),
        "100,000-minute add, µs": 1e6 / best_rate(repeat, calls, run_fixed(100_000)),
    }
    state = calendar._state
    print(f"calendar: 9-18 Mon-Fri, Europe/Kyiv, {len(calendar.holidays)} holidays 2025-2027; "
          f"table {len(state[2]) - 1} segments, local dates {state[6]} .. {state[7]}")
    print(f"{calls:,} calls per run, best of {repeat}")
    for name, value in figures.items():
        print(f"  {name:28s} {value:>12,.1f}")
    return figures


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calendar-only", action="store_true", help="only the calendar part (the only one so far)")
    parser.add_argument("--calls", type=int, default=200_000, help="calls per timed run (default 200,000)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per figure; the best is kept (default 3)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{os.cpu_count()} cores, 1-minute load {load:.2f}, Python {platform.python_version()}")
    bench_calendar(args.calls, args.repeat, args.seed)
    if not args.calendar_only:
        print("(the sweep and escalation parts are not written yet)")


if __name__ == "__main__":
    main()
