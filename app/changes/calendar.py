"""PURE: the change calendar's arithmetic — windows that overlap, maintenance windows as
moments, weeks and months of days. Standard library only: plain data in, plain data out."""
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Planned:
    """A change's window and what it touches: organization ids, and — when an engine answers
    (app/changes/hooks.py) — the CIs it works on and their ``reach`` (every CI on one dependency
    chain with them)."""

    id: int
    start: datetime
    end: datetime
    organizations: frozenset[int]
    cis: frozenset = frozenset()
    reach: frozenset = frozenset()


@dataclass(frozen=True)
class Weekly:
    """A recurring maintenance window: weekday (0 = Monday), local start, length, zone."""

    weekday: int
    start: time
    minutes: int
    zone: str


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    return a_start < b_end and b_start < a_end


def conflicts(items: list[Planned]) -> dict[int, set[int]]:
    """For each change, the others whose windows overlap it on a shared organization."""
    found: dict[int, set[int]] = {item.id: set() for item in items}
    ordered = sorted(items, key=lambda item: item.start)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if b.start >= a.end:
                break
            if a.organizations & b.organizations:
                found[a.id].add(b.id)
                found[b.id].add(a.id)
    return found


def ci_conflicts(items: list[Planned]) -> dict[int, set[int]]:
    """For each change, the others whose windows overlap it on the same CIs or on CIs that depend
    on each other (one's CIs within the other's reach)."""
    found: dict[int, set[int]] = {item.id: set() for item in items}
    ordered = sorted((item for item in items if item.cis), key=lambda item: item.start)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if b.start >= a.end:
                break
            if a.cis & b.reach or b.cis & a.reach:
                found[a.id].add(b.id)
                found[b.id].add(a.id)
    return found


def occurrences(window: Weekly, start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """The window's occurrences (in UTC) that overlap [start, end), local wall-clock time kept across DST."""
    zone = ZoneInfo(window.zone)
    day = start.astimezone(zone).date() - timedelta(days=7)
    last = end.astimezone(zone).date() + timedelta(days=1)
    found = []
    while day <= last:
        if day.weekday() == window.weekday:
            begins = datetime.combine(day, window.start, tzinfo=zone).astimezone(UTC)
            ends = begins + timedelta(minutes=window.minutes)
            if overlaps(begins, ends, start, end):
                found.append((begins, ends))
        day += timedelta(days=1)
    return found


def inside_windows(start: datetime, end: datetime, windows: list[Weekly]) -> bool:
    """Whether [start, end) lies wholly inside one occurrence of one of the windows.
    An organization without windows takes work at any time."""
    if not windows:
        return True
    return any(begins <= start and end <= ends for w in windows for begins, ends in occurrences(w, start, end))


def week_of(day: date) -> list[date]:
    monday = day - timedelta(days=day.weekday())
    return [monday + timedelta(days=n) for n in range(7)]


def month_grid(day: date) -> list[list[date]]:
    """The weeks (Monday first) that show the month of ``day``, days of the neighbours included."""
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    weeks, monday = [], first - timedelta(days=first.weekday())
    while monday < following:
        weeks.append([monday + timedelta(days=n) for n in range(7)])
        monday += timedelta(days=7)
    return weeks


def local_span(day: date, zone: str) -> tuple[datetime, datetime]:
    """A local day as a UTC interval."""
    tz = ZoneInfo(zone)
    begins = datetime.combine(day, time(0), tzinfo=tz)
    return begins.astimezone(UTC), datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
