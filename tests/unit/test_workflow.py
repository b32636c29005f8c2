"""app/tickets/workflow.py: who may move a ticket of each kind from which status to which, what a
step needs, which statuses count as open, and impact × urgency → priority (pure, no app)."""
import pytest

from app.tickets.workflow import (
    CAB,
    CLIENT,
    DEFAULT_PRIORITY_MATRIX,
    EMERGENCY,
    STAFF,
    STANDARD,
    WORKFLOWS,
    Kind,
    levels_for,
    priority_for,
    workflow,
)

SIDES = (STAFF, CLIENT, CAB, STANDARD, EMERGENCY)

# kind → side → status → the statuses that side can move a ticket to (a status left out: none).
TARGETS = {
    Kind.INCIDENT: {
        STAFF: {"new": {"open", "pending", "third_party", "resolved"}, "open": {"pending", "third_party", "resolved"},
                "pending": {"open", "third_party", "resolved"}, "third_party": {"open", "pending", "resolved"},
                "resolved": {"closed", "open"}, "closed": {"open"}},
        CLIENT: {"new": {"closed"}, "open": {"closed"}, "pending": {"closed"}, "third_party": {"closed"},
                 "resolved": {"closed", "open"}, "closed": {"open"}},
    },
    Kind.REQUEST: {
        STAFF: {"awaiting_approval": {"closed"}, "new": {"open", "pending", "third_party", "resolved", "closed"},
                "open": {"pending", "third_party", "resolved", "closed"},
                "pending": {"open", "third_party", "resolved", "closed"},
                "third_party": {"open", "pending", "resolved", "closed"},
                "resolved": {"closed", "open"}, "closed": {"open"}},
        CLIENT: {"awaiting_approval": {"closed"}, "new": {"closed"}, "open": {"closed"}, "pending": {"closed"},
                 "third_party": {"closed"}, "resolved": {"closed", "open"}, "closed": {"open"}},
    },
    Kind.PROBLEM: {
        STAFF: {"new": {"investigating", "known_error", "resolved"}, "investigating": {"known_error", "resolved"},
                "known_error": {"resolved"}, "resolved": {"closed", "investigating"}},
    },
    Kind.CHANGE: {
        STAFF: {"draft": {"submitted", "closed"}, "submitted": {"assessment", "closed"},
                "assessment": {"awaiting_approval", "closed"}, "approved": {"scheduled", "closed"},
                "scheduled": {"implementing", "closed"}, "implementing": {"review"}, "review": {"closed"}},
        CAB: {"awaiting_approval": {"approved", "rejected"}},
        STANDARD: {"submitted": {"approved"}, "assessment": {"approved"}},
        EMERGENCY: {"submitted": {"implementing"}, "assessment": {"implementing"},
                    "awaiting_approval": {"implementing"}},
    },
}

OPEN = {
    Kind.INCIDENT: {"new", "open", "pending", "third_party"},
    Kind.REQUEST: {"awaiting_approval", "new", "open", "pending", "third_party"},
    Kind.PROBLEM: {"new", "investigating", "known_error"},
    Kind.CHANGE: {"draft", "submitted", "assessment", "awaiting_approval", "approved", "scheduled", "implementing",
                  "review"},
}


@pytest.mark.parametrize("kind", list(Kind))
@pytest.mark.parametrize("side", SIDES)
def test_each_side_sees_exactly_its_steps_from_every_status(kind, side):
    flow = workflow(kind)
    expected = TARGETS[kind].get(side, {})
    assert set(expected) <= set(flow.statuses)
    for status in flow.statuses:
        assert set(flow.targets(status, side)) == expected.get(status, set()), f"{kind} {side} from {status}"
        for target in flow.statuses:
            allowed = flow.find(status, target, side) is not None
            assert allowed == (target in expected.get(status, set())), f"{kind} {side}: {status} → {target}"


@pytest.mark.parametrize("kind", list(Kind))
def test_the_tables_name_only_the_kinds_own_statuses(kind):
    flow = WORKFLOWS[kind]
    assert flow.initial in flow.statuses and flow.final <= set(flow.statuses)
    for transition in flow.transitions:
        assert transition.source <= set(flow.statuses) and transition.target in flow.statuses
        assert transition.who <= set(SIDES)


@pytest.mark.parametrize("kind", list(Kind))
def test_open_means_not_yet_resolved_closed_or_rejected(kind):
    flow = workflow(kind)
    assert {status for status in flow.statuses if flow.is_open(status)} == OPEN[kind]
    assert flow.is_open(flow.initial)


def test_new_tickets_start_as_new_and_changes_as_drafts():
    assert [workflow(kind).initial for kind in Kind] == ["new", "new", "new", "draft"]


def test_a_client_cannot_resolve_but_can_close_or_reopen_their_incident():
    incident = workflow("incident")
    for status in ("new", "open", "pending", "third_party"):
        assert incident.find(status, "resolved", CLIENT) is None
        assert incident.find(status, "closed", CLIENT).requires == ()  # "solved, thanks": no resolution code asked
    assert incident.find("resolved", "open", CLIENT) is not None
    assert incident.find("closed", "open", CLIENT) is not None


def test_staff_resolve_an_incident_before_it_is_closed():
    incident = workflow("incident")
    for status in ("new", "open", "pending", "third_party"):
        assert incident.find(status, "closed", STAFF) is None
    assert incident.find("resolved", "closed", STAFF) is not None


@pytest.mark.parametrize("kind", [Kind.INCIDENT, Kind.REQUEST])
@pytest.mark.parametrize("status", ["new", "open", "pending", "third_party"])
def test_resolving_needs_a_resolution_code_and_text(kind, status):
    assert workflow(kind).find(status, "resolved", STAFF).requires == ("resolution_code", "resolution")


def test_a_request_waiting_for_approval_can_only_be_withdrawn():
    request = workflow("request")
    assert request.targets("awaiting_approval", STAFF) == ["closed"]
    assert request.targets("awaiting_approval", CLIENT) == ["closed"]
    assert request.find("awaiting_approval", "closed", CLIENT).requires == ()


def test_problems_are_the_providers_alone_and_a_closed_problem_stays_closed():
    problem = workflow("problem")
    assert all(problem.targets(status, CLIENT) == [] for status in problem.statuses)
    assert problem.targets("closed", STAFF) == []
    assert problem.find("known_error", "resolved", STAFF).requires == ("resolution",)
    assert problem.find("resolved", "investigating", STAFF) is not None  # reopened


def test_only_the_cab_approves_or_rejects_a_normal_change():
    change = workflow("change")
    for side in (STAFF, CLIENT, STANDARD, EMERGENCY):
        assert change.find("awaiting_approval", "approved", side) is None
        assert change.find("awaiting_approval", "rejected", side) is None
    assert change.find("awaiting_approval", "approved", CAB) is not None
    assert change.find("awaiting_approval", "rejected", CAB) is not None
    assert change.find("draft", "approved", CAB) is None  # the CAB sees only what waits for it


def test_a_change_is_implemented_only_once_approved_unless_an_emergency():
    change = workflow("change")
    for status in change.statuses:
        if status != "scheduled":
            assert change.find(status, "implementing", STAFF) is None
    assert change.find("draft", "implementing", EMERGENCY) is None  # even an emergency is submitted first


def test_a_change_under_way_is_reviewed_before_it_closes_and_a_rejected_one_is_final():
    change = workflow("change")
    assert change.find("implementing", "closed", STAFF) is None
    assert change.find("review", "closed", STAFF).requires == ("resolution",)
    assert change.find("draft", "closed", STAFF).requires == ("resolution",)  # withdrawn, with a reason
    assert all(change.targets("rejected", side) == [] for side in SIDES)
    assert all(change.targets("closed", side) == [] for side in SIDES)


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        workflow("task")


# -- priority -----------------------------------------------------------------------

@pytest.mark.parametrize("impact,urgency,priority", [
    (1, 1, 1), (1, 2, 2), (1, 3, 3),
    (2, 1, 2), (2, 2, 3), (2, 3, 4),
    (3, 1, 3), (3, 2, 4), (3, 3, 4),
])
def test_default_matrix_gives_p1_to_high_impact_and_urgency_and_p4_to_low(impact, urgency, priority):
    assert priority_for(impact, urgency) == priority
    assert priority_for(str(impact), str(urgency)) == priority  # form values arrive as text


@pytest.mark.parametrize("priority,levels", [(1, (1, 1)), (2, (1, 2)), (3, (2, 2)), (4, (3, 3))])
def test_a_priority_maps_back_to_its_most_balanced_impact_and_urgency(priority, levels):
    assert levels_for(priority) == levels
    assert priority_for(*levels_for(priority)) == priority


# Stricter than the default: only high × high is P1, and nothing is P4.
CUSTOM = {1: {1: 1, 2: 2, 3: 2}, 2: {1: 2, 2: 2, 3: 3}, 3: {1: 3, 2: 3, 3: 3}}


def test_a_configured_matrix_replaces_the_default():
    assert priority_for(1, 3, CUSTOM) == 2 and priority_for(1, 3) == 3
    assert priority_for(3, 3, CUSTOM) == 3 and priority_for(3, 3) == 4
    assert priority_for(2, 2, None) == priority_for(2, 2, DEFAULT_PRIORITY_MATRIX) == 3


@pytest.mark.parametrize("priority,levels", [(1, (1, 1)), (2, (2, 2)), (3, (3, 3))])
def test_levels_follow_a_configured_matrix(priority, levels):
    assert levels_for(priority, CUSTOM) == levels
    assert priority_for(*levels_for(priority, CUSTOM), CUSTOM) == priority


@pytest.mark.parametrize("priority,matrix", [(4, CUSTOM), (5, None), (0, None)])
def test_a_priority_no_levels_give_is_refused(priority, matrix):
    with pytest.raises(ValueError, match=f"P{priority}"):
        levels_for(priority, matrix)
