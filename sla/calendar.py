"""Working-time arithmetic for SLA clocks: pure (standard library only, never reads the clock).

A calendar is an IANA time zone, the working intervals of each weekday, holiday dates and
per-date exceptions, all in the zone's local wall-clock time:

    {"timezone": "Europe/Kyiv",
     "weekly": {"mon": [["09:00", "13:00"], ["14:00", "18:00"]], ..., "sun": []},
     "holidays": ["2026-01-01", ...],
     "exceptions": {"2026-12-24": [["09:00", "13:00"]], "2026-03-07": [["09:00", "18:00"]]}}

Intervals are half-open, "24:00" may end one, a day left out is closed. An exception replaces
the weekly intervals of its date (``[]`` closes it); a date cannot be both a holiday and an
exception. A night shift is two intervals: 22:00-24:00 on one day, 00:00-06:00 on the next.

The rules:

1. An instant is working time when the local wall clock at that instant shows a time inside an
   interval of its local date, and that date is not a holiday. Durations are real seconds, so a
   24x7 day lasts 23 or 25 hours when the clocks change. Wall times skipped by a DST gap never
   happen (an interval starting inside the gap starts when the clock resumes); wall times repeated
   by a DST fold happen twice, and both passes are working time.
2. ``add`` returns the earliest instant at which the duration has accrued: a duration that
   exactly fills the day ends at 18:00, not at the next morning's 09:00.
3. ``add(t, 0)`` is ``t`` (in the calendar's zone), even outside working hours.
4. A holiday removes all working time whose local date is the holiday, including the part after
   midnight of a night shift that began the evening before.
5. Datetimes with any UTC offset are accepted (naive ones are refused); results are aware
   datetimes in the calendar's zone. Compare or subtract them as instants (``astimezone(utc)``
   or ``timestamp()``): Python compares two datetimes of one zone by their wall clocks, which
   is wrong across a DST fold.

Pauses (``(from, to)`` pairs of aware datetimes) stop the clock: they may overlap, come in any
order and begin before the start.

How: each calendar keeps its working time as sorted, disjoint UTC segments in integer epoch
seconds with the running total of working seconds before each one, over a window of local dates
that grows lazily in both directions. ``elapsed`` is two binary searches (one to place each
end), ``add`` two (one to place the start, one to find the total it must reach), plus two per
pause: no stepping through minutes, and a long duration costs what a short one does.
Segment bounds and totals are integers; instants enter as float epoch seconds (microsecond
resolution) and results are rounded to the microsecond.
"""
import numbers
import re
import threading
from bisect import bisect_left, bisect_right
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["WorkingCalendar", "DAYS"]

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY = 86400
YEAR = 366 * DAY
SEARCH_LIMIT = 50 * YEAR  # add() gives up when this much time after a point holds too little work
MAX_WINDOW_DAYS = 200 * 366  # the widest span of local dates a calendar will lay out
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_TIME = re.compile(r"(\d\d):(\d\d)")
_DATE = re.compile(r"\d{4}-\d\d-\d\d")
_INF = float("inf")
_PLAIN_TZ = (ZoneInfo, timezone)  # tzinfo classes whose utcoffset() is never None
_PROBE = 6 * 3600  # offset changes are looked for at this step, then located to the second


def _parse_time(text, what):
    match = _TIME.fullmatch(text) if isinstance(text, str) else None
    if not match:
        raise ValueError(f"{what}: malformed time {text!r} (expected HH:MM)")
    hours, minutes = int(match[1]), int(match[2])
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        raise ValueError(f"{what}: time {text!r} out of range (00:00-24:00)")
    return hours * 3600 + minutes * 60


def _parse_intervals(raw, what):
    """[["09:00", "13:00"], ...] -> sorted ((start_s, end_s), ...) seconds after local midnight."""
    if not isinstance(raw, (list, tuple)):
        raise ValueError(f"{what}: intervals must be a list of [start, end] pairs")
    out = []
    for pair in raw:
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise ValueError(f"{what}: interval {pair!r} is not a [start, end] pair")
        start, end = _parse_time(pair[0], what), _parse_time(pair[1], what)
        if start >= end:
            raise ValueError(f"{what}: interval {pair[0]}-{pair[1]} is reversed or empty")
        out.append((start, end))
    out.sort()
    for (_, end), (start, _) in zip(out, out[1:], strict=False):
        if start < end:
            raise ValueError(f"{what}: intervals overlap at {_fmt(start)}")
    return tuple(out)


def _parse_date(text, what):
    if not (isinstance(text, str) and _DATE.fullmatch(text)):
        raise ValueError(f"{what}: bad date {text!r} (expected YYYY-MM-DD)")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{what}: bad date {text!r}") from None


def _seconds(minutes):
    """Minutes of another numeric type (Decimal, Fraction, numpy) as float seconds."""
    if isinstance(minutes, (str, bytes, complex)) or not isinstance(minutes, numbers.Number):
        raise TypeError(f"minutes must be a number, not {type(minutes).__name__}")
    return float(minutes) * 60


def _fmt(seconds):
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def _epoch(dt, what):
    """An aware datetime as float epoch seconds (TypeError for a naive one or a non-datetime)."""
    try:
        tz = dt.tzinfo
        if tz is None or (tz.__class__ not in _PLAIN_TZ and dt.utcoffset() is None):
            raise TypeError(f"{what} must be timezone-aware")
        return dt.astimezone(UTC).timestamp()  # twice as fast as dt.timestamp() for ZoneInfo
    except AttributeError:
        raise TypeError(f"{what} must be an aware datetime, not {type(dt).__name__}") from None


class WorkingCalendar:
    """Working hours of one zone; ``add`` and ``elapsed`` in business minutes (see the module)."""

    def __init__(self, timezone, weekly, holidays=(), exceptions=None):
        if not isinstance(timezone, str):
            raise ValueError(f"unknown time zone {timezone!r}")
        try:
            self.tz = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: "Europe" is a directory
            raise ValueError(f"unknown time zone {timezone!r}") from None
        self.timezone = timezone
        if not isinstance(weekly, dict):
            raise ValueError("weekly must map mon..sun to lists of intervals")
        unknown = set(weekly) - set(DAYS)
        if unknown:
            raise ValueError(f"weekly: unknown day(s) {sorted(unknown)} (use {', '.join(DAYS)})")
        self.weekly = tuple(_parse_intervals(weekly.get(day, []), f"weekly.{day}") for day in DAYS)
        if isinstance(holidays, str) or not isinstance(holidays, (list, tuple, set, frozenset)):
            raise ValueError("holidays must be a list of YYYY-MM-DD dates")
        self.holidays = frozenset(_parse_date(h, "holidays") for h in holidays)
        if not isinstance(exceptions or {}, dict):
            raise ValueError("exceptions must map YYYY-MM-DD dates to lists of intervals")
        self.exceptions = {_parse_date(k, "exceptions"): _parse_intervals(v, f"exceptions.{k}")
                           for k, v in (exceptions or {}).items()}
        both = self.holidays & set(self.exceptions)
        if both:
            raise ValueError(f"{min(both)} is both a holiday and an exception")
        if not any(self.weekly) and not any(self.exceptions.values()):
            raise ValueError("the calendar has no working time at all")
        self._lock = threading.Lock()
        # (lo, hi, starts, ends, cum, cumend, first_day, end_day): every instant in epoch seconds
        # [lo, hi] has a local date in [first_day, end_day); starts/ends are the working segments
        # (the first a zero-length sentinel), cum/cumend the working seconds before/after each.
        self._state = None

    @classmethod
    def from_dict(cls, data):
        """Build from {"timezone", "weekly", "holidays"[, "exceptions"]} (as in the module doc)."""
        if not isinstance(data, dict):
            raise ValueError("a calendar must be a mapping")
        unknown = set(data) - {"timezone", "weekly", "holidays", "exceptions"}
        if unknown:
            raise ValueError(f"unknown calendar key(s) {sorted(unknown)}")
        for key in ("timezone", "weekly"):
            if key not in data:
                raise ValueError(f"calendar without {key!r}")
        return cls(data["timezone"], data["weekly"], data.get("holidays", ()), data.get("exceptions"))

    def to_dict(self):
        """The normalized mapping that ``from_dict`` accepts (every day, sorted dates)."""
        def pairs(intervals):
            return [[_fmt(s), _fmt(e)] for s, e in intervals]
        return {"timezone": self.timezone,
                "weekly": {day: pairs(iv) for day, iv in zip(DAYS, self.weekly, strict=True)},
                "holidays": [d.isoformat() for d in sorted(self.holidays)],
                "exceptions": {d.isoformat(): pairs(iv) for d, iv in sorted(self.exceptions.items())}}

    def __repr__(self):
        return f"<WorkingCalendar {self.timezone}>"

    # -- the two operations ------------------------------------------------------------------

    def elapsed(self, start, end, pauses=()):
        """Business minutes in [start, end) outside the pauses (0.0 when end <= start)."""
        a, b = _epoch(start, "start"), _epoch(end, "end")
        if b <= a:
            return 0.0
        state = self._state
        if state is None or a < state[0] or b > state[1]:
            state = self._cover(a, b)
        _, _, starts, ends, cum, _, _, _ = state
        i = bisect_right(starts, a) - 1
        j = bisect_right(starts, b) - 1
        e, f = ends[i], ends[j]
        total = cum[j] - cum[i] + (b if b < f else f) - starts[j] - (a if a < e else e) + starts[i]
        if pauses:
            for p0, p1 in _merge(pauses, a, b):
                total -= self._worked(p0, p1)
        return total / 60

    def add(self, start, minutes, pauses=()):
        """The earliest instant by which ``minutes`` business minutes have accrued since start."""
        a = _epoch(start, "start")
        need = minutes * 60
        if need.__class__ is not int and need.__class__ is not float:
            need = _seconds(minutes)
        if not need > 0:
            if need == 0:
                return start.astimezone(self.tz)
            raise ValueError(f"minutes must not be negative (got {minutes!r})")
        if need == _INF:
            raise ValueError("minutes must be finite")
        if not pauses:  # the common case, inlined from _reach: two bisections
            state = self._state
            if state is not None and state[0] <= a:
                _, hi, starts, ends, cum, cumend, _, _ = state
                i = bisect_right(starts, a) - 1
                e = ends[i]
                target = cum[i] + (a if a < e else e) - starts[i] + need
                k = bisect_left(cumend, target)
                if k < len(starts) and starts[k] + (target - cum[k]) <= hi:  # (so a <= hi too)
                    return datetime.fromtimestamp(starts[k] + (target - cum[k]), self.tz)
            return datetime.fromtimestamp(self._reach(a, need), self.tz)
        cur = a
        for p0, p1 in _merge(pauses, a, None):
            t = self._reach(cur, need)
            if t <= p0:
                return datetime.fromtimestamp(t, self.tz)
            if p0 > cur:  # the work between cur and the pause start counts, then the clock stops
                need -= self._worked(cur, p0)
            cur = max(cur, p1)
        return datetime.fromtimestamp(self._reach(cur, need), self.tz)

    def next_working(self, start):
        """The earliest working instant at or after ``start`` (``start`` itself when it is one)."""
        a = _epoch(start, "start")
        return datetime.fromtimestamp(self._reach(a, 1) - 1, self.tz)

    # -- the segment table -------------------------------------------------------------------

    def _worked(self, a, b):
        """Business seconds in [a, b) (float epoch seconds, a <= b)."""
        state = self._state
        if a < state[0] or b > state[1]:
            state = self._cover(a, b)
        _, _, starts, ends, cum, _, _, _ = state
        i = bisect_right(starts, a) - 1
        j = bisect_right(starts, b) - 1
        return cum[j] - cum[i] + min(b, ends[j]) - starts[j] - min(a, ends[i]) + starts[i]

    def _reach(self, a, need):
        """The earliest epoch second t with ``need`` (> 0) business seconds in [a, t)."""
        if need <= 0:  # only float rounding in add()'s pause loop gets here
            return a
        while True:
            state = self._state
            if state is None or a < state[0] or a > state[1]:
                state = self._cover(a, a)
            _, hi, starts, ends, cum, cumend, _, _ = state
            i = bisect_right(starts, a) - 1
            e = ends[i]
            target = cum[i] + (a if a < e else e) - starts[i] + need
            k = bisect_left(cumend, target)
            if k < len(starts):
                t = starts[k] + (target - cum[k])
                if t <= hi:
                    return t
            if hi - a > SEARCH_LIMIT:
                raise ValueError(f"less than {need / 60:g} business minutes in the 50 years after "
                                 f"{datetime.fromtimestamp(a, self.tz).isoformat()}")
            self._cover(a, hi + 1)

    def _cover(self, a, b):
        """Make the table cover epoch seconds [a, b] and return the new state.

        The window of local dates grows by at least a year or half its width, so relayouts are
        rare; a window that would grow past 200 years is replaced by a fresh one around [a, b].
        Running totals are only ever compared within one state, so their origin may change.
        """
        with self._lock:
            state = self._state
            if state is not None and state[0] <= a and b <= state[1]:
                return state
            need_first, need_end = _utc_date(a, -2), _utc_date(b, 3)
            first, end = need_first, need_end
            if state is not None:
                grow = timedelta(days=max(366, (state[7] - state[6]).days // 2))
                first = min(need_first, state[6] - grow) if a < state[0] else state[6]
                end = max(need_end, state[7] + grow) if b > state[1] else state[7]
            if state is None or (end - first).days > MAX_WINDOW_DAYS:
                first, end = need_first - timedelta(days=31), need_end + timedelta(days=731)
            first, end = max(first, date(2, 1, 1)), min(end, date(9998, 1, 1))
            if (end - first).days > MAX_WINDOW_DAYS or need_first < first or need_end > end:
                raise ValueError("instants more than 200 years apart, or outside the years 2-9997")
            self._state = self._layout(first, end)
            return self._state

    def _layout(self, first, end):
        """Working segments of local dates [first, end) as a state tuple (see _cover)."""
        n0 = (first.toordinal() - _EPOCH_ORDINAL) * DAY  # local midnight as "naive epoch" seconds
        n1 = (end.toordinal() - _EPOCH_ORDINAL) * DAY
        periods = _offset_periods(self.tz, n0 - 2 * DAY, n1 + 2 * DAY)
        lows = [p[0] for p in periods]
        omin, omax = min(p[2] for p in periods), max(p[2] for p in periods)
        segments = []
        day, naive = first, n0
        while day < end:
            if day in self.exceptions:
                intervals = self.exceptions[day]
            else:
                intervals = () if day in self.holidays else self.weekly[day.weekday()]
            for s, e in intervals:
                wa, wb = naive + s, naive + e
                k = max(bisect_right(lows, wa - omax) - 1, 0)
                while k < len(periods) and periods[k][0] < wb - omin:
                    p0, p1, off = periods[k]
                    u0, u1 = max(p0, wa - off), min(p1, wb - off)
                    if u0 < u1:
                        segments.append((u0, u1))
                    k += 1
            day += timedelta(days=1)
            naive += DAY
        segments.sort()
        lo, hi = n0 - omin, n1 - omax  # every instant in [lo, hi] has a local date in the window
        starts, ends = [n0 - omax - 1], [n0 - omax - 1]  # a zero-length sentinel before everything
        for u0, u1 in segments:
            if u0 <= ends[-1]:
                ends[-1] = max(ends[-1], u1)
            else:
                starts.append(u0)
                ends.append(u1)
        cum, cumend, total = [], [], 0
        for u0, u1 in zip(starts, ends, strict=True):
            cum.append(total)
            total += u1 - u0
            cumend.append(total)
        return lo, hi, starts, ends, cum, cumend, first, end


def _utc_date(t, days):
    """The UTC date of epoch second t, moved by ``days`` (ValueError out of range)."""
    try:
        return datetime.fromtimestamp(t, UTC).date() + timedelta(days=days)
    except (OverflowError, OSError, ValueError):
        raise ValueError("instant out of the supported range") from None


def _offset_periods(tz, u0, u1):
    """[(from, to, offset_seconds)] covering epoch seconds [u0, u1) with the zone's UTC offsets."""
    def offset(t):
        return int(datetime.fromtimestamp(t, tz).utcoffset().total_seconds())

    periods, p0, current, t = [], u0, offset(u0), u0
    while t < u1:
        probe = min(t + _PROBE, u1)
        if offset(probe) == current:
            t = probe
            continue
        lo, hi = t, probe  # offset(lo) == current != offset(hi): find the first changed second
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if offset(mid) == current else (lo, mid)
        periods.append((p0, hi, current))
        p0, current, t = hi, offset(hi), hi
    periods.append((p0, u1, current))
    return periods


def _merge(pauses, a, b):
    """Pauses as sorted, disjoint (from, to) epoch seconds, clipped to [a, b) (b None: no end)."""
    spans = []
    for pause in pauses:
        p0, p1 = _epoch(pause[0], "pause start"), _epoch(pause[1], "pause end")
        if p1 < p0:
            raise ValueError("a pause ends before it begins")
        p0 = max(p0, a)
        if b is not None:
            p1 = min(p1, b)
        if p0 < p1:
            spans.append((p0, p1))
    spans.sort()
    merged = []
    for p0, p1 in spans:
        if merged and p0 <= merged[-1][1]:
            if p1 > merged[-1][1]:
                merged[-1] = (merged[-1][0], p1)
        else:
            merged.append((p0, p1))
    return merged
