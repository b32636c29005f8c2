"""The ticket core's doors: what it announces, and what it asks the kinds.

The core (services.py, relations.py) announces what happened through blinker
signals, inside the unit of work that made it happen, so whatever answers
writes in the same transaction and is rolled back with it. The kinds
(app/problems, app/changes) and the engines (notification mails today; SLA
clocks, CMDB links, mail threading, the knowledge base and routing next)
connect in their own packages from their ``init_app(app)``, which create_app
calls. The core imports none of them.

Signals (sender first, then keyword arguments):

- ``ticket_routing(ticket, actor, arrival)`` after create_ticket built the ticket
  and before it is inserted: a receiver may set its team, assignee, priority (with
  impact and urgency) and add watchers; they are in the ticket's first row.
  ``arrival`` is the dict create_ticket was given by the door the ticket came
  through (the mail gateway's ``mailbox`` and ``addresses``, the API's ``cis``).
  app/routing/ answers it (the admins' routing rules and the default team).
- ``ticket_created(ticket, actor)`` after the ticket, its first event and
  attachments exist (the ticket has its id and number).
- ``field_changed(ticket, actor, field, old, new)`` for each field that
  update_ticket changed (values as Python objects, before display).
- ``status_changing(ticket, actor, status, side, errors)`` before a status
  change: a receiver refuses it by adding messages to ``errors``
  ({field: [message]}); the core raises one ValidationError with all of them.
- ``status_changed(ticket, actor, old, new, side)`` once the status moved.
- ``message_posted(message, actor)`` for a public reply or an internal note
  (``message.internal`` tells which; ``actor.is_client`` which side wrote).
- ``tickets_linked(link, actor)`` and ``tickets_merged(duplicate, actor, target)``.

Besides announcements, a kind may answer two questions the workflow table
cannot: which side makes a step (a change's CAB, template or emergency path)
and which statuses a button may offer. It registers a ``KindRules`` object.
"""
from blinker import Namespace

from app.tickets.workflow import STAFF, workflow

_doors = Namespace()

ticket_routing = _doors.signal("ticket-routing")
ticket_created = _doors.signal("ticket-created")
field_changed = _doors.signal("field-changed")
status_changing = _doors.signal("status-changing")
status_changed = _doors.signal("status-changed")
message_posted = _doors.signal("message-posted")
tickets_linked = _doors.signal("tickets-linked")
tickets_merged = _doors.signal("tickets-merged")


class KindRules:
    """What a kind says beyond its workflow table. The default says nothing more."""

    def side(self, ticket, status: str, who: str) -> str:
        """The side that makes the step to ``status`` when ``who`` asks for it."""
        return who

    def targets(self, ticket) -> list[str]:
        """The statuses a status button may move this ticket to."""
        return workflow(ticket.kind).targets(ticket.status, STAFF)


_DEFAULT = KindRules()
_RULES: dict[str, KindRules] = {}


def register_kind_rules(kind: str, rules: KindRules) -> None:
    _RULES[kind] = rules


def kind_rules(kind: str) -> KindRules:
    return _RULES.get(kind, _DEFAULT)
