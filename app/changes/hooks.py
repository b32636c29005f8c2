"""What the change kind asks the engines, without importing them: which CIs a change works on.

The CMDB answers (cmdb/doors.py registers its function from its init_app); without an answer a
change touches no CI and the calendar's conflicts are by organization only. A function takes
change ticket ids and returns ``{id: (CI ids, reach)}`` (see app/changes/calendar.Planned)."""
_touches: list = []


def register_touches(function) -> None:
    if function not in _touches:
        _touches.append(function)


def touches(change_ids) -> dict[int, tuple[frozenset, frozenset]]:
    ids = list(change_ids)
    found: dict[int, tuple[frozenset, frozenset]] = {}
    for function in _touches if ids else ():
        for change_id, (cis, reach) in function(ids).items():
            had = found.get(change_id, (frozenset(), frozenset()))
            found[change_id] = (had[0] | cis, had[1] | reach)
    return found
