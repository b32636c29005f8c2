"""sla/calendar.py: vectors, DST and holiday edges, bad input, and hypothesis properties (pure, no app)."""
import ast
import sys
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sla.calendar import DAYS, WorkingCalendar

KYIV = ZoneInfo("Europe/Kyiv")
IST = timezone(timedelta(hours=5, minutes=30))
WEEKDAYS = DAYS[:5]
HOLIDAYS = [f"{year}-{md}" for year in (2025, 2026, 2027)
            for md in ("01-01", "03-08", "05-01", "05-08", "06-28", "07-15", "08-24", "10-01", "12-25")]


def cal(weekly, holidays=(), exceptions=None):
    data = {"timezone": "Europe/Kyiv", "weekly": weekly, "holidays": list(holidays)}
    if exceptions is not None:
        data["exceptions"] = exceptions
    return WorkingCalendar.from_dict(data)


OFFICE = cal({d: [["09:00", "18:00"]] for d in WEEKDAYS}, HOLIDAYS)
LUNCH = cal({d: [["09:00", "13:00"], ["14:00", "18:00"]] for d in WEEKDAYS})
ALWAYS = cal({d: [["00:00", "24:00"]] for d in DAYS})
NIGHT = cal({d: [["00:00", "06:00"], ["22:00", "24:00"]] for d in DAYS}, ["2026-01-01"])
SHORT = cal({d: [["09:00", "18:00"]] for d in WEEKDAYS}, HOLIDAYS,
            {"2026-12-24": [["09:00", "13:00"]], "2026-03-07": [["09:00", "18:00"]], "2026-05-13": []})
EARLY_SUNDAY = cal({"sun": [["03:30", "05:00"]]})  # its interval meets the DST gap and fold
CALENDARS = [OFFICE, LUNCH, ALWAYS, NIGHT, SHORT, EARLY_SUNDAY]


def kyiv(*fields, fold=0):
    return datetime(*fields, tzinfo=KYIV, fold=fold)


def utc(*fields):
    return datetime(*fields, tzinfo=UTC)


def instant(dt):
    """Compare and subtract results as UTC: Python compares two datetimes of one zone by their wall
    clocks (so 03:30 before and after the October fold are "equal"), and says an ambiguous
    wall time is never == a datetime of another zone."""
    return dt.astimezone(UTC)


def needs_dst(day):
    """The DST vectors assume the tz database still moves Kyiv's clocks on that day."""
    if kyiv(*day).utcoffset() == kyiv(*day, 23).utcoffset():
        pytest.skip("this tz database has no DST change in Kyiv on that day")


# -- vectors -----------------------------------------------------------------------------------

def test_first_response_inside_working_hours():
    assert instant(OFFICE.add(kyiv(2026, 5, 13, 9, 30), 60)) == instant(kyiv(2026, 5, 13, 10, 30))


def test_a_ticket_in_berlin_read_in_utc():
    # the shape of Zammad's SLA unit test: a ticket at 09:30 UTC (10:30 in Berlin), targets in
    # business minutes on a 09:00-17:00 and an 08:00-18:00 Berlin calendar, answers read in UTC
    early = cal({d: [["09:00", "17:00"]] for d in WEEKDAYS}).to_dict() | {"timezone": "Europe/Berlin"}
    berlin = WorkingCalendar.from_dict(early)
    created = utc(2013, 3, 21, 9, 30)  # a Thursday
    assert [instant(berlin.add(created, m)) for m in (60, 180, 240)] == [
        utc(2013, 3, 21, 10, 30), utc(2013, 3, 21, 12, 30), utc(2013, 3, 21, 13, 30)]
    wide = WorkingCalendar.from_dict(early | {"weekly": {d: [["08:00", "18:00"]] for d in WEEKDAYS}})
    assert wide.elapsed(created, utc(2013, 3, 21, 14)) == 270
    assert instant(wide.add(created, 600)) == utc(2013, 3, 22, 9, 30)  # 7.5 h on Thu, 2.5 h on Fri


def test_friday_evening_rolls_over_the_weekend():
    assert instant(OFFICE.add(kyiv(2026, 5, 15, 17), 120)) == instant(kyiv(2026, 5, 18, 10))  # Friday -> Monday
    assert OFFICE.elapsed(kyiv(2026, 5, 15, 17), kyiv(2026, 5, 18, 10)) == 120


def test_an_exact_fit_ends_at_closing_time_not_at_the_next_opening():
    assert instant(OFFICE.add(kyiv(2026, 5, 13, 9), 540)) == instant(kyiv(2026, 5, 13, 18))
    assert instant(OFFICE.add(kyiv(2026, 5, 13, 17), 60)) == instant(kyiv(2026, 5, 13, 18))
    assert instant(OFFICE.add(kyiv(2026, 5, 13, 17), 60.5)) == instant(kyiv(2026, 5, 14, 9, 0, 30))


def test_minutes_of_any_numeric_type():
    start = kyiv(2026, 5, 13, 9)
    expected = instant(kyiv(2026, 5, 13, 9, 1, 30))
    for minutes in (1.5, Fraction(3, 2), Decimal("1.5")):
        assert instant(OFFICE.add(start, minutes)) == expected
    assert instant(OFFICE.add(start, Fraction(1, 3))) == instant(kyiv(2026, 5, 13, 9, 0, 20))
    with pytest.raises(TypeError, match="minutes must be a number"):
        OFFICE.add(start, "60")


def test_the_next_working_instant():
    cal = WorkingCalendar.from_dict({"timezone": "Europe/Kyiv", "weekly": {"mon": [["09:00", "13:00"], ["14:00", "18:00"]],
                                                                           "tue": [["09:00", "18:00"]]},
                                     "holidays": ["2026-03-10"]})
    kyiv = ZoneInfo("Europe/Kyiv")
    inside = datetime(2026, 3, 9, 10, 15, 30, tzinfo=kyiv)
    assert cal.next_working(inside) == inside
    assert cal.next_working(datetime(2026, 3, 9, 13, 0, tzinfo=kyiv)) == datetime(2026, 3, 9, 14, 0, tzinfo=kyiv)
    # Monday after hours: Tuesday is a holiday, so the next Monday at 09:00.
    assert cal.next_working(datetime(2026, 3, 9, 18, 0, tzinfo=kyiv)) == datetime(2026, 3, 16, 9, 0, tzinfo=kyiv)
    assert cal.next_working(datetime(2026, 3, 9, 22, 0, tzinfo=UTC)) == datetime(2026, 3, 16, 9, 0, tzinfo=kyiv)


def test_zero_minutes_is_the_start_even_outside_hours():
    saturday_night = kyiv(2026, 5, 16, 3, 17, 5)
    assert instant(OFFICE.add(saturday_night, 0)) == instant(saturday_night)
    assert OFFICE.add(saturday_night.astimezone(IST), 0).tzinfo == KYIV


def test_a_start_outside_hours_waits_for_the_opening():
    assert instant(OFFICE.add(kyiv(2026, 5, 16, 3), 1)) == instant(kyiv(2026, 5, 18, 9, 1))
    assert instant(OFFICE.add(kyiv(2026, 5, 13, 7), 30)) == instant(kyiv(2026, 5, 13, 9, 30))


def test_lunch_break():
    assert instant(LUNCH.add(kyiv(2026, 5, 13, 12, 30), 60)) == instant(kyiv(2026, 5, 13, 14, 30))
    assert instant(LUNCH.add(kyiv(2026, 5, 13, 12), 60)) == instant(kyiv(2026, 5, 13, 13))  # the earliest instant
    assert LUNCH.elapsed(kyiv(2026, 5, 13, 12), kyiv(2026, 5, 13, 15)) == 120
    assert LUNCH.elapsed(kyiv(2026, 5, 13), kyiv(2026, 5, 14)) == 480


def test_long_durations_and_holidays():
    assert instant(OFFICE.add(kyiv(2026, 4, 30, 17), 120)) == instant(kyiv(2026, 5, 4, 10))  # Fri 1 May is a holiday
    assert instant(OFFICE.add(kyiv(2026, 5, 13, 9), 30 * 540)) == instant(kyiv(2026, 6, 23, 18))  # 30 working days
    assert OFFICE.elapsed(kyiv(2025, 1, 1), kyiv(2026, 1, 1)) == (261 - 6) * 540  # 2025: 6 on weekdays


def test_a_24x7_calendar_has_23_and_25_hour_days():
    needs_dst((2026, 3, 29))
    needs_dst((2026, 10, 25))
    assert ALWAYS.elapsed(kyiv(2026, 3, 29), kyiv(2026, 3, 30)) == 23 * 60
    assert ALWAYS.elapsed(kyiv(2026, 10, 25), kyiv(2026, 10, 26)) == 25 * 60
    assert instant(ALWAYS.add(kyiv(2026, 3, 29), 23 * 60)) == instant(kyiv(2026, 3, 30))
    assert instant(ALWAYS.add(kyiv(2026, 3, 29, 2, 30), 60)) == instant(kyiv(2026, 3, 29, 4, 30))  # 03:xx never shows
    assert instant(ALWAYS.add(kyiv(2026, 10, 25, 3, 30), 60)) == instant(kyiv(2026, 10, 25, 3, 30, fold=1))


def test_a_night_shift_over_the_dst_changes():
    needs_dst((2026, 3, 29))
    needs_dst((2026, 10, 25))
    # Sat 22:00 -> Sun 06:00: 8 hours on the wall clock, 7 real ones in March and 9 in October
    assert NIGHT.elapsed(kyiv(2026, 3, 28, 12), kyiv(2026, 3, 29, 12)) == 7 * 60
    assert NIGHT.elapsed(kyiv(2026, 10, 24, 12), kyiv(2026, 10, 25, 12)) == 9 * 60
    assert instant(NIGHT.add(kyiv(2026, 3, 28, 22), 7 * 60)) == instant(kyiv(2026, 3, 29, 6))
    assert instant(NIGHT.add(kyiv(2026, 10, 24, 22), 8 * 60)) == instant(kyiv(2026, 10, 25, 5))


def test_interval_bounds_inside_the_dst_gap_and_fold():
    needs_dst((2026, 3, 29))
    needs_dst((2026, 10, 25))
    # 03:30-05:00: in March 03:30 never happens, so the interval opens at 04:00
    assert EARLY_SUNDAY.elapsed(kyiv(2026, 3, 29), kyiv(2026, 3, 30)) == 60
    assert instant(EARLY_SUNDAY.add(kyiv(2026, 3, 29), 1)) == instant(kyiv(2026, 3, 29, 4, 1))
    # in October 03:30-04:00 shows twice: both passes count
    assert EARLY_SUNDAY.elapsed(kyiv(2026, 10, 25), kyiv(2026, 10, 26)) == 30 + 90
    assert instant(EARLY_SUNDAY.add(kyiv(2026, 10, 25), 30)) == instant(utc(2026, 10, 25, 1))  # end of the first pass
    assert instant(EARLY_SUNDAY.add(kyiv(2026, 10, 25), 31)) == instant(kyiv(2026, 10, 25, 3, 31, fold=1))


def test_a_holiday_removes_the_after_midnight_part_of_a_night_shift():
    # Dec 31 22:00-24:00 counts; Jan 1 (00:00-06:00 and 22:00-24:00) does not; Jan 2 00:00 resumes
    assert NIGHT.elapsed(kyiv(2025, 12, 31, 12), kyiv(2026, 1, 2, 12)) == 8 * 60
    assert instant(NIGHT.add(kyiv(2025, 12, 31, 22), 180)) == instant(kyiv(2026, 1, 2, 1))
    assert instant(NIGHT.add(kyiv(2025, 12, 31, 23), 60)) == instant(kyiv(2026, 1, 1, 0))  # exact fit at midnight


def test_any_utc_offset_gives_the_same_instant_in_the_calendars_zone():
    start = kyiv(2026, 5, 13, 9, 30)
    results = [OFFICE.add(start.astimezone(tz), 60) for tz in (UTC, IST, KYIV)]
    assert [instant(r) for r in results] == [instant(kyiv(2026, 5, 13, 10, 30))] * 3
    assert all(r.tzinfo == KYIV for r in results)
    assert OFFICE.elapsed(start.astimezone(UTC), kyiv(2026, 5, 13, 10, 30).astimezone(IST)) == 60


def test_pauses_overlapping_unsorted_and_starting_before_the_start():
    start = kyiv(2026, 5, 13, 9)
    pauses = [(kyiv(2026, 5, 13, 10, 30), kyiv(2026, 5, 13, 11)),
              (kyiv(2026, 5, 13, 8), kyiv(2026, 5, 13, 9, 30)),
              (kyiv(2026, 5, 13, 10, 45).astimezone(UTC), kyiv(2026, 5, 13, 11, 15))]
    # worked: 09:30-10:30 and 11:15-12:15
    assert instant(OFFICE.add(start, 120, pauses)) == instant(kyiv(2026, 5, 13, 12, 15))
    assert OFFICE.elapsed(start, kyiv(2026, 5, 13, 12, 15), pauses) == 120
    assert instant(OFFICE.add(start, 60, pauses)) == instant(kyiv(2026, 5, 13, 10, 30))  # exact fit before a pause


def test_pauses_across_nights_and_empty_pauses():
    start = kyiv(2026, 5, 13, 17)
    over_night = [(kyiv(2026, 5, 13, 17, 30), kyiv(2026, 5, 14, 10))]
    assert instant(OFFICE.add(start, 60, over_night)) == instant(kyiv(2026, 5, 14, 10, 30))
    assert instant(OFFICE.add(start, 60, [(start, start)])) == instant(kyiv(2026, 5, 13, 18))
    assert OFFICE.elapsed(start, kyiv(2026, 5, 14, 12), over_night) == 30 + 120
    assert OFFICE.elapsed(start, kyiv(2026, 5, 14, 12), iter(over_night)) == 150


def test_exceptions_short_day_working_saturday_and_closed_weekday():
    assert instant(SHORT.add(kyiv(2026, 12, 24, 12), 120)) == instant(kyiv(2026, 12, 28, 10))  # 25th: holiday
    assert SHORT.elapsed(kyiv(2026, 12, 24), kyiv(2026, 12, 25)) == 240
    assert instant(SHORT.add(kyiv(2026, 3, 6, 17), 120)) == instant(kyiv(2026, 3, 7, 10))  # Saturday worked
    assert SHORT.elapsed(kyiv(2026, 3, 7), kyiv(2026, 3, 8)) == 540
    assert SHORT.elapsed(kyiv(2026, 5, 13), kyiv(2026, 5, 14)) == 0  # [] closes a Wednesday
    assert instant(SHORT.add(kyiv(2026, 5, 12, 18), 1)) == instant(kyiv(2026, 5, 14, 9, 1))


def test_the_table_grows_both_ways_and_long_durations_cost_nothing_special():
    start = kyiv(2026, 5, 13, 9)
    assert instant(OFFICE.add(start, 100_000)) == instant(OFFICE.add(OFFICE.add(start, 50_000), 50_000))
    assert OFFICE.elapsed(kyiv(1990, 1, 1), kyiv(1990, 1, 8)) == 5 * 540
    assert instant(OFFICE.add(kyiv(2090, 1, 2, 9), 60)) == instant(kyiv(2090, 1, 2, 10))
    assert OFFICE.elapsed(kyiv(2026, 5, 13, 12), kyiv(2026, 5, 13, 9)) == 0


def test_round_trip_through_dict():
    data = SHORT.to_dict()
    assert data["weekly"]["sat"] == [] and data["exceptions"]["2026-05-13"] == []
    assert WorkingCalendar.from_dict(data).to_dict() == data
    assert cal({"mon": [["22:00", "24:00"]]}).to_dict()["weekly"]["mon"] == [["22:00", "24:00"]]


# -- bad input ---------------------------------------------------------------------------------

MON = {"mon": [["09:00", "18:00"]]}


@pytest.mark.parametrize("data, message", [
    ({"timezone": "Europe/Kyiv", "weekly": {"mon": [["09:00", "13:00"], ["12:00", "18:00"]]}}, "overlap"),
    ({"timezone": "Europe/Kyiv", "weekly": {"mon": [["18:00", "09:00"]]}}, "reversed"),
    ({"timezone": "Europe/Kyiv", "weekly": {"mon": [["09:00", "09:00"]]}}, "reversed or empty"),
    ({"timezone": "Europe/Kyiv", "weekly": {"mon": [["09:00", "25:00"]]}}, "out of range"),
    ({"timezone": "Europe/Kyiv", "weekly": {"mon": [["09:00", "24:30"]]}}, "out of range"),
    ({"timezone": "Europe/Kyiv", "weekly": {"mon": [["09:60", "18:00"]]}}, "out of range"),
    ({"timezone": "Europe/Kyiv", "weekly": {"mon": [["9am", "18:00"]]}}, "malformed time"),
    ({"timezone": "Europe/Kyiv", "weekly": {"mon": [["09:00"]]}}, "not a \\[start, end\\] pair"),
    ({"timezone": "Europe/Kyiv", "weekly": {"mon": "09:00-18:00"}}, "list of \\[start, end\\] pairs"),
    ({"timezone": "Mars/Olympus_Mons", "weekly": MON}, "unknown time zone"),
    ({"timezone": "../etc/passwd", "weekly": MON}, "unknown time zone"),
    ({"timezone": "Europe", "weekly": MON}, "unknown time zone"),
    ({"timezone": None, "weekly": MON}, "unknown time zone"),
    ({"timezone": "Europe/Kyiv", "weekly": {}}, "no working time"),
    ({"timezone": "Europe/Kyiv", "weekly": {d: [] for d in DAYS}, "exceptions": {"2026-03-07": []}}, "no working time"),
    ({"timezone": "Europe/Kyiv", "weekly": MON, "holidays": ["2026-02-30"]}, "bad date"),
    ({"timezone": "Europe/Kyiv", "weekly": MON, "holidays": ["01.01.2026"]}, "bad date"),
    ({"timezone": "Europe/Kyiv", "weekly": MON, "holidays": "2026-01-01"}, "holidays must be a list"),
    ({"timezone": "Europe/Kyiv", "weekly": MON, "exceptions": {"2026-13-01": []}}, "bad date"),
    ({"timezone": "Europe/Kyiv", "weekly": MON, "holidays": ["2026-03-09"], "exceptions": {"2026-03-09": []}},
     "both a holiday and an exception"),
    ({"timezone": "Europe/Kyiv", "weekly": {"monday": [["09:00", "18:00"]]}}, "unknown day"),
    ({"timezone": "Europe/Kyiv", "weekly": MON, "holiday": []}, "unknown calendar key"),
    ({"weekly": MON}, "without 'timezone'"),
])
def test_bad_calendars_are_refused_with_a_clear_message(data, message):
    with pytest.raises(ValueError, match=message):
        WorkingCalendar.from_dict(data)


def test_bad_arguments():
    with pytest.raises(ValueError, match="negative"):
        OFFICE.add(kyiv(2026, 5, 13, 9), -1)
    with pytest.raises(ValueError, match="finite"):
        OFFICE.add(kyiv(2026, 5, 13, 9), float("inf"))
    with pytest.raises(TypeError, match="start must be timezone-aware"):
        OFFICE.add(datetime(2026, 5, 13, 9), 60)
    with pytest.raises(TypeError, match="start must be timezone-aware"):
        OFFICE.elapsed(datetime(2026, 5, 13, 9), kyiv(2026, 5, 13, 10))
    with pytest.raises(TypeError, match="end must be timezone-aware"):
        OFFICE.elapsed(kyiv(2026, 5, 13, 9), datetime(2026, 5, 13, 10))
    with pytest.raises(TypeError, match="pause start must be timezone-aware"):
        OFFICE.add(kyiv(2026, 5, 13, 9), 60, [(datetime(2026, 5, 13, 9), kyiv(2026, 5, 13, 10))])
    with pytest.raises(ValueError, match="pause ends before it begins"):
        OFFICE.add(kyiv(2026, 5, 13, 9), 60, [(kyiv(2026, 5, 13, 10), kyiv(2026, 5, 13, 9))])


def test_a_calendar_whose_working_time_runs_out_fails_instead_of_looping():
    once = cal({}, exceptions={"2026-03-07": [["09:00", "18:00"]]})
    assert instant(once.add(kyiv(2026, 3, 1), 540)) == instant(kyiv(2026, 3, 7, 18))
    with pytest.raises(ValueError, match="50 years"):
        once.add(kyiv(2026, 3, 1), 541)
    with pytest.raises(ValueError, match="50 years"):
        once.add(kyiv(2026, 3, 8), 1)


def test_the_module_is_pure():
    source = Path(__file__).resolve().parents[2] / "sla" / "calendar.py"
    tree = ast.parse(source.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
            for name in names:
                assert name.split(".")[0] in sys.stdlib_module_names, f"sla/calendar.py imports {name}"
        if isinstance(node, ast.Attribute):
            assert node.attr not in ("now", "utcnow", "today", "time", "monotonic"), f"reads the clock: {node.attr}"


# -- properties --------------------------------------------------------------------------------

LO, HI = int(utc(2025, 1, 1).timestamp()), int(utc(2028, 1, 1).timestamp())
ZONES = st.sampled_from([UTC, KYIV, IST, timezone(timedelta(hours=-7))])
instants = st.builds(lambda s, us, tz: datetime.fromtimestamp(s, UTC).replace(microsecond=us).astimezone(tz),
                     st.integers(LO, HI), st.sampled_from([0, 0, 0, 250_000, 999_999]), ZONES)
durations = st.integers(0, 40 * 540 * 60).map(lambda seconds: seconds / 60)  # up to 40 working days
calendars = st.sampled_from(CALENDARS)
EPS = 1e-6  # minutes: results are exact to the microsecond
SETTINGS = settings(deadline=None, max_examples=150)


@SETTINGS
@given(calendars, instants, durations)
def test_elapsed_undoes_add(c, t, m):
    assert abs(c.elapsed(t, c.add(t, m)) - m) < EPS


@SETTINGS
@given(calendars, instants, durations)
def test_add_returns_the_earliest_instant(c, t, m):
    end = instant(c.add(t, m))
    assert end >= instant(t)
    if m > 0:
        assert c.elapsed(t, end - timedelta(microseconds=2)) < m


@SETTINGS
@given(calendars, instants, instants, durations, durations)
def test_add_is_monotone_in_start_and_in_minutes(c, t1, t2, m1, m2):
    t1, t2 = sorted([t1, t2], key=instant)
    m1, m2 = sorted([m1, m2])
    assert instant(c.add(t1, m1)) <= instant(c.add(t2, m1))
    assert instant(c.add(t1, m1)) <= instant(c.add(t1, m2))


@SETTINGS
@given(calendars, instants, durations, instants)
def test_pausing_non_working_time_changes_nothing(c, t, m, x):
    # [x, y) holds no working time when y + 1 s is where one working second after x ends
    x = instant(x)
    y = instant(c.add(x, 1 / 60)) - timedelta(seconds=1)
    gap = [(x, y)] if y > x else []
    assert instant(c.add(t, m, gap)) == instant(c.add(t, m))
    later = x + timedelta(days=3)
    assert abs(c.elapsed(t, later, gap) - c.elapsed(t, later)) < EPS


@SETTINGS
@given(calendars, instants, durations, durations)
def test_two_adds_equal_one(c, t, m1, m2):
    two, one = instant(c.add(c.add(t, m1), m2)), instant(c.add(t, m1 + m2))
    assert abs((two - one).total_seconds()) < 1e-5


@SETTINGS
@given(calendars, instants, instants, instants)
def test_elapsed_is_additive_over_split_points(c, a, b, d):
    a, b, d = sorted([a, b, d], key=instant)
    assert abs(c.elapsed(a, d) - c.elapsed(a, b) - c.elapsed(b, d)) < EPS


@SETTINGS
@given(calendars, instants, durations, st.lists(st.tuples(instants, st.integers(0, 5 * 86400)), max_size=4))
def test_elapsed_undoes_add_with_pauses(c, t, m, raw):
    pauses = [(instant(p), instant(p) + timedelta(seconds=length)) for p, length in raw]
    end = c.add(t, m, pauses)
    assert abs(c.elapsed(t, end, pauses) - m) < EPS
    assert instant(end) >= instant(c.add(t, m))


DICTS = {id(c): c.to_dict() for c in CALENDARS}


def _is_working(c, instant):
    """The instant rule, read straight off the calendar's dict: the oracle for the fast tables."""
    data = DICTS[id(c)]
    local = instant.astimezone(ZoneInfo(data["timezone"]))
    day = local.date().isoformat()
    if day in data["holidays"]:
        return False
    intervals = data["exceptions"].get(day, data["weekly"][DAYS[local.weekday()]])
    clock = local.strftime("%H:%M")
    return any(start <= clock < end for start, end in intervals)


DST_DAYS = [utc(2026, 3, 29, 1), utc(2026, 10, 25, 1), utc(2025, 3, 30, 1), utc(2027, 10, 31, 1), utc(2026, 1, 1)]


@settings(deadline=None, max_examples=40)
@given(calendars, st.sampled_from(DST_DAYS), st.integers(-2 * 1440, 1440), st.integers(0, 3 * 1440))
def test_elapsed_agrees_with_a_minute_by_minute_reading_of_the_rule(c, around, offset, length):
    start = around + timedelta(minutes=offset)
    minutes = sum(_is_working(c, start + timedelta(minutes=i)) for i in range(length))
    assert c.elapsed(start, start + timedelta(minutes=length)) == minutes
