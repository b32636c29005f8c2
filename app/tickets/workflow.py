"""The state machine of each ticket kind: statuses, allowed transitions, who may
make them and what they require. Pure data and small functions; the services
enforce it."""
from dataclasses import dataclass, field
from enum import StrEnum

from app.i18n import lazy_gettext as _l


class Kind(StrEnum):
    INCIDENT = "incident"
    REQUEST = "request"
    PROBLEM = "problem"
    CHANGE = "change"


PREFIXES = {Kind.INCIDENT: "INC", Kind.REQUEST: "REQ", Kind.PROBLEM: "PRB", Kind.CHANGE: "CHG"}
# How a ticket or a message came in (Ticket.via, Message.via).
VIA_LABELS = {"web": _l("web form"), "portal": _l("client portal"), "api": _l("API"), "email": _l("e-mail"),
              "merge": _l("merged")}

KIND_LABELS = {Kind.INCIDENT: _l("Incident"), Kind.REQUEST: _l("Service request"),
               Kind.PROBLEM: _l("Problem"), Kind.CHANGE: _l("Change")}

STATUS_LABELS = {
    "new": _l("New"), "open": _l("Open"), "pending": _l("Waiting for the client"),
    "third_party": _l("Waiting for a third party"),
    "awaiting_approval": _l("Awaiting approval"), "resolved": _l("Resolved"), "closed": _l("Closed"),
    "investigating": _l("Investigating"), "known_error": _l("Known error"),
    "draft": _l("Draft"), "submitted": _l("Submitted"), "assessment": _l("Assessment"),
    "approved": _l("Approved"), "rejected": _l("Rejected"), "scheduled": _l("Scheduled"),
    "implementing": _l("Implementing"), "review": _l("Review"),
}

# How a button that moves a ticket to a status reads.
ACTION_LABELS = {
    "open": _l("Start work"), "pending": _l("Wait for the client"), "third_party": _l("Wait for a third party"),
    "resolved": _l("Resolve"), "closed": _l("Close"),
    "investigating": _l("Investigate"), "known_error": _l("Mark as known error"), "submitted": _l("Submit"),
    "assessment": _l("Assess"), "awaiting_approval": _l("Ask for approval"), "scheduled": _l("Schedule"),
    "implementing": _l("Start implementing"), "review": _l("Review"), "approved": _l("Approve"),
    "rejected": _l("Reject"), "new": _l("Back to new"),
}

# The same statuses as clients read them (the portal, the client's API answers): where the agents'
# word would leave a client guessing, the client's own.
CLIENT_STATUS_LABELS = {**STATUS_LABELS, "third_party": _l("Waiting for a third party (a supplier)")}

RESOLUTION_CODES = {
    "fixed": _l("Fixed"), "workaround": _l("Workaround given"), "configuration": _l("Configuration changed"),
    "hardware_replaced": _l("Hardware replaced"), "no_fault": _l("No fault found"),
    "duplicate": _l("Duplicate"), "client_side": _l("Cause on the client's side"), "cancelled": _l("Cancelled"),
}

LINK_KINDS = {
    "caused_by": _l("caused by"), "fixed_by": _l("fixed by"), "related": _l("related to"),
    "child_of": _l("child of"), "duplicate_of": _l("duplicate of"),
}

# The fields of a ticket's history, as the history names them.
EVENT_LABELS = {
    "status": _l("status"), "team": _l("team"), "assignee": _l("assignee"), "priority": _l("priority"),
    "impact": _l("impact"), "urgency": _l("urgency"), "title": _l("title"), "category": _l("category"),
    "affected_system": _l("affected system"), "major": _l("major incident"), "resolution": _l("resolution"),
    "resolution_code": _l("resolution code"), "link": _l("link"), "linked_from": _l("linked from"),
    "merged_into": _l("merged into"), "merged_from": _l("merged from"), "watcher": _l("followers"),
    "time": _l("time logged"), "created": _l("created"), "approval": _l("approval"),
    "rating": _l("client's rating"), "sla": _l("service level"), "escalation": _l("escalation"),
    "root_cause": _l("root cause"), "workaround": _l("workaround"), "known_error": _l("known error"),
    "change_type": _l("type of change"), "risk": _l("risk"), "planned_window": _l("planned window"),
    "implementation_plan": _l("implementation plan"), "backout_plan": _l("backout plan"),
    "test_plan": _l("test plan"), "client_summary": _l("summary for clients"),
    "affected_organizations": _l("affected organizations"), "outcome": _l("outcome"), "lessons": _l("lessons"),
    "mail_failed": _l("mail not delivered"),
}


def add_event_labels(labels: dict) -> None:
    """A kind names the fields of its own history events (from its init_app)."""
    for key, label in labels.items():
        EVENT_LABELS.setdefault(key, label)


STAFF = "staff"
CLIENT = "client"
# Sides that no status button takes: the CAB's approvals (app.changes.services.decide), a standard
# change's template, and an emergency change that starts work before its approval (app.changes.rules).
CAB = "cab"
STANDARD = "standard"
EMERGENCY = "emergency"


@dataclass(frozen=True)
class Transition:
    source: frozenset[str]
    target: str
    who: frozenset[str] = frozenset({STAFF})
    requires: tuple[str, ...] = ()  # fields that must be given, e.g. resolution_code


@dataclass(frozen=True)
class Workflow:
    initial: str
    statuses: tuple[str, ...]
    final: frozenset[str]
    transitions: tuple[Transition, ...] = field(default=())

    def is_open(self, status: str) -> bool:
        return status not in self.final

    def find(self, source: str, target: str, who: str) -> Transition | None:
        for transition in self.transitions:
            if source in transition.source and transition.target == target and who in transition.who:
                return transition
        return None

    def targets(self, source: str, who: str) -> list[str]:
        return [t.target for t in self.transitions if source in t.source and who in t.who]


def _t(sources: str, target: str, who=(STAFF,), requires=()) -> Transition:
    return Transition(frozenset(sources.split()), target, frozenset(who), tuple(requires))


# Waiting: for the client ("pending") or for a third party, a supplier or a vendor ("third_party").
# Both are left the same ways; whether either stops the SLA clock is the policy's choice.
_WORKING = "new open pending third_party"
_RESOLVE = ("resolution_code", "resolution")

INCIDENT = Workflow(
    initial="new",
    statuses=("new", "open", "pending", "third_party", "resolved", "closed"),
    final=frozenset({"resolved", "closed"}),
    transitions=(
        _t("new pending third_party", "open"),
        _t("new open third_party", "pending"),
        _t("new open pending", "third_party"),
        _t(_WORKING, "resolved", requires=_RESOLVE),
        _t(_WORKING, "closed", who=(CLIENT,)),  # "my problem is solved — close it"
        _t("resolved", "closed", who=(STAFF, CLIENT)),
        _t("resolved closed", "open", who=(STAFF, CLIENT)),  # reopen (clients: for REOPEN_DAYS)
    ),
)

REQUEST = Workflow(
    initial="new",
    statuses=("awaiting_approval", "new", "open", "pending", "third_party", "resolved", "closed"),
    final=frozenset({"resolved", "closed"}),
    transitions=(
        _t("new pending third_party", "open"),
        _t("new open third_party", "pending"),
        _t("new open pending", "third_party"),
        _t(_WORKING, "resolved", requires=_RESOLVE),
        _t(_WORKING + " awaiting_approval", "closed", who=(STAFF, CLIENT)),
        _t("resolved", "closed", who=(STAFF, CLIENT)),
        _t("resolved closed", "open", who=(STAFF, CLIENT)),
    ),
)

PROBLEM = Workflow(
    initial="new",
    statuses=("new", "investigating", "known_error", "resolved", "closed"),
    final=frozenset({"resolved", "closed"}),
    transitions=(
        _t("new", "investigating"),
        _t("new investigating", "known_error"),
        _t("new investigating known_error", "resolved", requires=("resolution",)),
        _t("resolved", "closed"),
        _t("resolved", "investigating"),
    ),
)

CHANGE = Workflow(
    initial="draft",
    statuses=("draft", "submitted", "assessment", "awaiting_approval", "approved", "rejected", "scheduled",
              "implementing", "review", "closed"),
    final=frozenset({"rejected", "closed"}),
    transitions=(
        _t("draft", "submitted"),
        _t("submitted", "assessment"),
        _t("assessment", "awaiting_approval"),
        _t("awaiting_approval", "approved", who=(CAB,)),
        _t("awaiting_approval", "rejected", who=(CAB,)),
        _t("submitted assessment", "approved", who=(STANDARD,)),  # a standard change is approved by its template
        _t("submitted assessment awaiting_approval", "implementing", who=(EMERGENCY,)),  # approval comes afterwards
        _t("approved", "scheduled"),
        _t("scheduled", "implementing"),
        _t("implementing", "review"),
        _t("review", "closed", requires=("resolution",)),
        _t("draft submitted assessment approved scheduled", "closed", requires=("resolution",)),  # withdrawn
    ),
)

WORKFLOWS = {Kind.INCIDENT: INCIDENT, Kind.REQUEST: REQUEST, Kind.PROBLEM: PROBLEM, Kind.CHANGE: CHANGE}

# impact × urgency → priority (1 = P1, the most urgent). 1 = high, 2 = medium, 3 = low.
# PRIORITY_MATRIX in the configuration replaces it, in the same shape.
DEFAULT_PRIORITY_MATRIX = {
    1: {1: 1, 2: 2, 3: 3},
    2: {1: 2, 2: 3, 3: 4},
    3: {1: 3, 2: 4, 3: 4},
}
LEVEL_LABELS = {1: _l("High"), 2: _l("Medium"), 3: _l("Low")}


def priority_for(impact: int, urgency: int, matrix: dict | None = None) -> int:
    matrix = matrix or DEFAULT_PRIORITY_MATRIX
    return int(matrix[int(impact)][int(urgency)])


def workflow(kind: str) -> Workflow:
    return WORKFLOWS[Kind(kind)]


def levels_for(priority: int, matrix: dict | None = None) -> tuple[int, int]:
    """An (impact, urgency) pair that gives this priority: the most balanced one."""
    matrix = matrix or DEFAULT_PRIORITY_MATRIX
    pairs = [(i, u) for i in (1, 2, 3) for u in (1, 2, 3) if priority_for(i, u, matrix) == int(priority)]
    if not pairs:
        raise ValueError(f"no impact and urgency give P{priority}")
    return min(pairs, key=lambda pair: (abs(pair[0] - pair[1]), pair))
