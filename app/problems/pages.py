"""What the ticket page shows of problems: a problem's panel, and the known errors an incident matches."""
from app.problems import queries
from app.problems.forms import GatherForm, ProblemForm


def context(ticket) -> dict:
    if ticket.kind == "problem":
        detail = ticket.problem_detail
        return {"problem_form": ProblemForm(formdata=None, root_cause=detail.root_cause if detail else "",
                                            workaround=detail.workaround if detail else ""),
                "gather_form": GatherForm(formdata=None, prefix="gather"),
                "problem_detail": detail, "problem_incidents": queries.incidents_of(ticket)}
    return {"known_errors": queries.known_errors_for(ticket)}
