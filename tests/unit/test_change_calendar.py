"""app/changes/calendar.py: overlapping windows, conflicts between planned changes, weekly
maintenance windows across DST in Kyiv, weeks and months of days (pure, no app)."""
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.changes.calendar import (
    Planned,
    Weekly,
    ci_conflicts,
    conflicts,
    inside_windows,
    local_span,
    month_grid,
    occurrences,
    overlaps,
    week_of,
)

KYIV_NAME = "Europe/Kyiv"
KYIV = ZoneInfo(KYIV_NAME)
SPRING = date(2026, 3, 29)  # Sunday: Kyiv's clocks go 03:00 → 04:00
AUTUMN = date(2026, 10, 25)  # Sunday: Kyiv's clocks go 04:00 → 03:00
SUNDAY_NIGHT = Weekly(weekday=6, start=time(2), minutes=180, zone=KYIV_NAME)  # Sun 02:00–05:00 Kyiv


def utc(*fields):
    return datetime(*fields, tzinfo=UTC)


def kyiv(*fields, fold=0):
    return datetime(*fields, tzinfo=KYIV, fold=fold)


def hour(h):
    return utc(2030, 6, 3, h)


def planned(id, start, end, *orgs):
    return Planned(id, hour(start), hour(end), frozenset(orgs))


@pytest.fixture(autouse=True, scope="module")
def kyiv_moves_its_clocks():
    for day in (SPRING, AUTUMN):
        assert kyiv(day.year, day.month, day.day).utcoffset() != kyiv(day.year, day.month, day.day, 23).utcoffset(), (
            f"this tz database has no DST change in Kyiv on {day}: the vectors below assume one")


# -- overlaps and conflicts --------------------------------------------------------------

@pytest.mark.parametrize("a,b,overlap", [
    ((1, 3), (2, 4), True),
    ((1, 4), (2, 3), True),  # one inside the other
    ((1, 3), (1, 3), True),
    ((1, 3), (3, 5), False),  # one ends as the other starts
    ((3, 5), (1, 3), False),
    ((1, 2), (4, 5), False),
])
def test_windows_overlap_only_if_they_share_time(a, b, overlap):
    assert overlaps(hour(a[0]), hour(a[1]), hour(b[0]), hour(b[1])) is overlap
    assert overlaps(hour(b[0]), hour(b[1]), hour(a[0]), hour(a[1])) is overlap


def test_overlap_compares_instants_not_wall_clocks():
    # 01:00–02:00 UTC is 04:00–05:00 in Kyiv in summer.
    assert overlaps(utc(2030, 6, 3, 1), utc(2030, 6, 3, 2), kyiv(2030, 6, 3, 4, 30), kyiv(2030, 6, 3, 6))
    assert not overlaps(utc(2030, 6, 3, 1), utc(2030, 6, 3, 2), kyiv(2030, 6, 3, 5), kyiv(2030, 6, 3, 6))


def test_changes_conflict_when_they_overlap_on_a_shared_organization():
    items = [planned(1, 1, 3, 10), planned(2, 2, 4, 10, 20), planned(3, 2, 4, 30), planned(4, 5, 6, 20)]
    assert conflicts(items) == {1: {2}, 2: {1}, 3: set(), 4: set()}


def test_a_change_touching_anothers_end_is_not_a_conflict():
    assert conflicts([planned(1, 1, 3, 10), planned(2, 3, 5, 10)]) == {1: set(), 2: set()}


def test_a_long_change_conflicts_with_each_short_one_inside_it_but_they_not_with_each_other():
    items = [planned(1, 0, 10, 10), planned(2, 1, 2, 10), planned(3, 4, 5, 10), planned(4, 8, 12, 10)]
    assert conflicts(items) == {1: {2, 3, 4}, 2: {1}, 3: {1}, 4: {1}}


def test_conflicts_are_found_whatever_the_order_of_the_list():
    items = [planned(1, 6, 9, 10), planned(2, 0, 7, 10), planned(3, 8, 9, 10)]
    expected = {1: {2, 3}, 2: {1}, 3: {1}}
    assert conflicts(items) == expected and conflicts(items[::-1]) == expected
    assert conflicts([]) == {}


moments = st.integers(min_value=0, max_value=48)


# Lengths from one hour: the services refuse a window that ends where it starts.
@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(moments, st.integers(min_value=1, max_value=12), st.sets(st.integers(1, 3), max_size=2)),
                max_size=8))
def test_conflicts_are_exactly_the_overlapping_pairs_that_share_an_organization(rows):
    base = utc(2030, 1, 1)
    items = [Planned(i, base + timedelta(hours=s), base + timedelta(hours=s + n), frozenset(orgs))
             for i, (s, n, orgs) in enumerate(rows)]
    expected = {a.id: {b.id for b in items if b.id != a.id and a.organizations & b.organizations
                       and overlaps(a.start, a.end, b.start, b.end)} for a in items}
    assert conflicts(items) == expected


# -- weekly maintenance windows -----------------------------------------------------------

def test_a_sunday_night_window_keeps_its_local_time_across_the_spring_change():
    found = occurrences(SUNDAY_NIGHT, utc(2026, 3, 16), utc(2026, 4, 13))
    assert [begins.astimezone(KYIV).strftime("%a %d %H:%M") for begins, _ in found] == [
        "Sun 22 02:00", "Sun 29 02:00", "Sun 05 02:00", "Sun 12 02:00"]
    assert [begins for begins, _ in found] == [utc(2026, 3, 22, 0), utc(2026, 3, 29, 0), utc(2026, 4, 4, 23),
                                               utc(2026, 4, 11, 23)]
    # The window lasts its three hours even on the night the clocks jump: 02:00–06:00 by the wall clock.
    assert all(ends - begins == timedelta(hours=3) for begins, ends in found)
    assert found[1][1].astimezone(KYIV).hour == 6


def test_a_sunday_night_window_keeps_its_local_time_across_the_autumn_change():
    found = occurrences(SUNDAY_NIGHT, utc(2026, 10, 17), utc(2026, 11, 2))
    assert [begins.astimezone(KYIV).strftime("%d %H:%M") for begins, _ in found] == ["18 02:00", "25 02:00", "01 02:00"]
    assert [begins for begins, _ in found] == [utc(2026, 10, 17, 23), utc(2026, 10, 24, 23), utc(2026, 11, 1, 0)]


def test_a_window_at_a_time_the_clocks_skip_or_repeat():
    early = Weekly(weekday=6, start=time(3, 30), minutes=60, zone=KYIV_NAME)
    (spring,) = occurrences(early, kyiv(2026, 3, 29), kyiv(2026, 3, 30))
    assert spring[0] == utc(2026, 3, 29, 1, 30)  # 03:30 does not exist that night: it starts at 04:30
    (autumn,) = occurrences(early, kyiv(2026, 10, 25), kyiv(2026, 10, 26))
    assert autumn[0] == utc(2026, 10, 25, 0, 30)  # 03:30 happens twice: the first one


def test_occurrences_overlapping_the_edges_of_the_range_are_included():
    # Sun 29 March 2026 02:00–05:00 Kyiv is 00:00–03:00 UTC.
    assert occurrences(SUNDAY_NIGHT, utc(2026, 3, 29, 2), utc(2026, 3, 29, 2, 1)) == [
        (utc(2026, 3, 29, 0), utc(2026, 3, 29, 3))]
    assert occurrences(SUNDAY_NIGHT, utc(2026, 3, 29, 3), utc(2026, 3, 30)) == []  # it ended as the range began
    assert occurrences(SUNDAY_NIGHT, utc(2026, 3, 28), utc(2026, 3, 29, 0)) == []  # the range ends as it begins
    # Sat 23:00 → Sun 03:00 Kyiv: found from Sunday's side of local midnight too.
    midnight = Weekly(weekday=5, start=time(23), minutes=240, zone=KYIV_NAME)
    assert occurrences(midnight, kyiv(2030, 6, 2, 1), kyiv(2030, 6, 2, 2)) == [(utc(2030, 6, 1, 20), utc(2030, 6, 2, 0))]


def test_work_must_lie_wholly_inside_a_window():
    windows = [SUNDAY_NIGHT, Weekly(weekday=2, start=time(22), minutes=60, zone=KYIV_NAME)]
    assert inside_windows(kyiv(2026, 4, 5, 2), kyiv(2026, 4, 5, 5), windows)  # exactly the window
    assert inside_windows(kyiv(2026, 4, 5, 3), kyiv(2026, 4, 5, 4), windows)
    assert inside_windows(kyiv(2026, 4, 8, 22, 15), kyiv(2026, 4, 8, 22, 45), windows)  # the Wednesday one
    assert not inside_windows(kyiv(2026, 4, 5, 4), kyiv(2026, 4, 5, 6), windows)  # runs past the end
    assert not inside_windows(kyiv(2026, 4, 5, 1), kyiv(2026, 4, 5, 3), windows)  # starts too early
    assert not inside_windows(kyiv(2026, 4, 6, 2), kyiv(2026, 4, 6, 3), windows)  # a Monday
    assert inside_windows(kyiv(2026, 3, 29, 4), kyiv(2026, 3, 29, 6), windows)  # the DST night: until 06:00


def test_an_organization_without_windows_takes_work_at_any_time():
    assert inside_windows(kyiv(2026, 4, 6, 12), kyiv(2026, 4, 6, 13), [])


# -- days, weeks, months ------------------------------------------------------------------

@pytest.mark.parametrize("day", [date(2026, 3, 23), date(2026, 3, 25), date(2026, 3, 29)])
def test_a_week_runs_monday_to_sunday(day):
    assert week_of(day) == [date(2026, 3, 23) + timedelta(days=n) for n in range(7)]


@pytest.mark.parametrize("day,first,last,rows", [
    (date(2026, 3, 15), date(2026, 2, 23), date(2026, 4, 5), 6),  # starts on a Sunday
    (date(2027, 2, 1), date(2027, 2, 1), date(2027, 2, 28), 4),  # starts on a Monday, four weeks long
    (date(2026, 12, 31), date(2026, 11, 30), date(2027, 1, 3), 5),  # across the new year
    (date(2028, 2, 29), date(2028, 1, 31), date(2028, 3, 5), 5),  # a leap February
])
def test_a_month_is_shown_as_whole_weeks(day, first, last, rows):
    grid = month_grid(day)
    assert len(grid) == rows and grid[0][0] == first and grid[-1][-1] == last
    assert all(len(week) == 7 and week[0].weekday() == 0 for week in grid)
    days = [d for week in grid for d in week]
    assert days == [first + timedelta(days=n) for n in range(len(days))]
    assert {d for d in days if d.month == day.month} == {
        d for d in (day.replace(day=1) + timedelta(days=n) for n in range(31)) if d.month == day.month}


@pytest.mark.parametrize("day,hours", [(date(2026, 6, 3), 24), (SPRING, 23), (AUTUMN, 25)])
def test_a_local_day_is_a_utc_interval_of_its_true_length(day, hours):
    begins, ends = local_span(day, KYIV_NAME)
    assert begins.tzinfo == UTC and begins.astimezone(KYIV) == kyiv(day.year, day.month, day.day)
    assert ends - begins == timedelta(hours=hours)
    assert ends == local_span(day + timedelta(days=1), KYIV_NAME)[0]


def test_local_span_follows_the_zone():
    assert local_span(date(2030, 6, 3), "UTC") == (utc(2030, 6, 3), utc(2030, 6, 4))
    assert local_span(date(2030, 6, 3), "Asia/Tokyo") == (utc(2030, 6, 2, 15), utc(2030, 6, 3, 15))


def on_cis(id, start, end, cis, reach):
    return Planned(id, hour(start), hour(end), frozenset({id}), frozenset(cis), frozenset(reach) | frozenset(cis))


def test_changes_conflict_on_the_same_ci_or_one_in_the_others_reach_when_their_windows_overlap():
    switch = on_cis(1, 1, 3, {"switch"}, {"host", "vm"})  # the host and the VM depend on the switch
    vm = on_cis(2, 2, 4, {"vm"}, {"host", "switch"})
    other_vm = on_cis(3, 2, 4, {"other-vm"}, {"host", "switch"})
    later = on_cis(4, 3, 5, {"switch"}, {"host", "vm"})  # touches at 03:00: no overlap with the first
    bare = Planned(5, hour(1), hour(5), frozenset({1}))  # no CIs known: no CI conflict
    found = ci_conflicts([switch, vm, other_vm, later, bare])
    assert found == {1: {2, 3}, 2: {1, 4}, 3: {1, 4}, 4: {2, 3}, 5: set()}
    assert not found[2] & {3}  # two VMs on the same host: neither is on the other's chain
