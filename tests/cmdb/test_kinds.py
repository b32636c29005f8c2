"""The CMDB beside the kinds: a change's impact for the CAB and its record at submission, the
calendar's conflicts on CIs, planned work naming the client's servers, a problem's CIs,
root-cause help and known errors offered by CI."""
from datetime import timedelta

import pytest

from app.changes import queries as change_queries
from app.changes import services as changes
from app.errors import ValidationError
from app.problems import services as problems
from app.tickets import services as tickets
from cmdb import kinds, links, services
from cmdb.models import ChangeImpact
from tests.changes.conftest import SUNDAY_2AM_KYIV, make_change, to_cab
from tests.cmdb.conftest import cls
from tests.factories import make_ticket
from tests.helpers import text


def linked_change(users, org, cis, title="Firmware on the hypervisor", **fields):
    change = make_change(users["agent"], org, title=title, **fields)
    links.link_cis(users["agent"], change, cis)
    return change


def test_the_cab_sees_the_clients_services_and_cis_a_change_touches(login, estate, users, org_a):
    change = linked_change(users, org_a, [estate["hv1"]])
    page = text(login("manager").get(f"/tickets/{change.number}"))
    assert "Impact of this change" in page and "Works on" in page
    impact = page[page.index('id="change-impact-now"'):]
    assert "Acme Hosting Clients" in impact and "Acme Shop" in impact and "web-01" in impact
    assert "Globex" not in impact


def test_a_change_without_cis_says_how_to_get_its_impact(login, estate, users, org_a):
    change = make_change(users["agent"], org_a)
    assert "No CIs linked" in text(login("agent").get(f"/tickets/{change.number}"))


def test_submission_records_the_impact_and_the_record_does_not_move_with_the_graph(login, estate, users, org_a, db):
    change = linked_change(users, org_a, [estate["hv2"]])
    assert db.session.get(ChangeImpact, change.id) is None
    to_cab(users["agent"], change)
    record = db.session.get(ChangeImpact, change.id)
    assert record.status == "awaiting_approval"
    assert [row[1] for row in record.snapshot["cis"]] == ["hv-02"]
    assert [row[1] for row in record.snapshot["organizations"]] == ["Acme Hosting Clients"]
    assert {row[1] for row in record.snapshot["services"]} == {"Acme Shop"}
    before = dict(record.snapshot)
    # Later, Globex's server is moved onto hv-02: the live impact grows, the record stays.
    services.add_relation(users["agent"], estate["globex"], estate["hv2"], "runs_on")
    assert db.session.get(ChangeImpact, change.id).snapshot == before
    page = text(login("manager").get(f"/tickets/{change.number}"))
    recorded = page[page.index('id="change-impact-recorded"'):]
    assert "As submitted to the CAB" in recorded and "Globex" not in recorded.split("</section>")[0][:1500]
    assert "The impact has changed since the change was submitted." in page
    assert "Globex Corporation" in page[page.index('id="change-impact-now"'):page.index('id="change-impact-recorded"')]


def test_a_refused_submission_records_nothing(estate, users, org_a, db):
    change = linked_change(users, org_a, [estate["hv1"]], implementation_plan="", backout_plan="")
    tickets.transition(users["agent"], change, "submitted")
    tickets.transition(users["agent"], change, "assessment")
    record = db.session.get(ChangeImpact, change.id)
    assert record.status == "submitted"
    with pytest.raises(ValidationError):  # the plans are missing: refused, and the record is as it was
        tickets.transition(users["agent"], change, "awaiting_approval")
    assert db.session.get(ChangeImpact, change.id).status == "submitted"


def test_changes_overlapping_on_dependent_cis_conflict_on_the_calendar_and_the_change_page(
        login, estate, users, org_a, org_b):
    on_core = linked_change(users, org_a, [estate["core"]], title="Core switch firmware")
    on_globex = linked_change(users, org_b, [estate["globex"]], title="Globex DB patch",
                              planned_start=SUNDAY_2AM_KYIV + timedelta(hours=1),
                              planned_end=SUNDAY_2AM_KYIV + timedelta(hours=3))
    on_hv2 = linked_change(users, org_a, [estate["hv2"]], title="hv-02 memory")
    far = linked_change(users, org_b, [estate["core"]], title="Next week",
                        planned_start=SUNDAY_2AM_KYIV + timedelta(days=7),
                        planned_end=SUNDAY_2AM_KYIV + timedelta(days=7, hours=1))
    for change in (on_core, on_globex, on_hv2, far):
        to_cab(users["agent"], change)
    entries = {e.ticket.id: e for e in change_queries.calendar_entries(SUNDAY_2AM_KYIV - timedelta(days=1),
                                                                       SUNDAY_2AM_KYIV + timedelta(days=10))}
    assert {t.id for t in entries[on_core.id].ci_conflicts} == {on_globex.id, on_hv2.id}
    assert {t.id for t in entries[on_globex.id].ci_conflicts} == {on_core.id}  # not hv-02: neither depends on the other
    assert {t.id for t in entries[on_hv2.id].ci_conflicts} == {on_core.id}
    assert entries[far.id].ci_conflicts == []
    assert entries[on_globex.id].conflicts == []  # different organizations: no organization conflict

    client = login("agent")
    calendar = text(client.get("/changes/calendar?day=2030-06-02&view=week"))
    assert f"CI conflict with {on_globex.number}, {on_hv2.number}" in calendar
    page = text(client.get(f"/tickets/{on_globex.number}"))
    assert (f"Conflicts with {on_core.number} (Core switch firmware): the windows overlap on the same CIs "
            "or on CIs that depend on each other.") in page


def test_planned_work_names_the_clients_own_affected_servers_only(login, estate, users, org_a, org_b):
    change = linked_change(users, org_a, [estate["hv1"]], risk="low")
    changes.update_change(users["agent"], change, organizations=[org_a, org_b])
    to_cab(users["agent"], change)
    changes.decide(users["manager"], change, "approve", "Fine")
    assert change.status == "approved"
    acme = text(login("client_user").get("/portal/"))
    work = acme[acme.index('id="planned-work"'):]
    assert "Affects" in work and "Acme Shop" in work and "web-01" in work
    assert "hv-01" not in work and "web-02" not in work  # the provider's hypervisor; a node not impacted
    globex = text(login("other_user").get("/portal/"))
    work = globex[globex.index('id="planned-work"'):]
    assert "Affects" not in work and "web-01" not in work and "hv-01" not in work


def incident_on(users, ci, title):
    incident = make_ticket(users["client_user"] if ci.organization_id else users["agent"], title=title,
                           **({} if ci.organization_id else {"organization": users["client_user"].organization}))
    links.link_cis(users["agent"], incident, [ci])
    return incident


def test_a_problem_lists_its_cis_and_ranks_the_common_cause_first(login, estate, users, org_a):
    problem = make_ticket(users["agent"], kind="problem", organization=org_a, title="Everything flaps")
    found = [incident_on(users, estate["node1"], "web-01 down"), incident_on(users, estate["node2"], "web-02 down"),
             incident_on(users, estate["node1"], "web-01 again")]
    problems.gather_incidents(users["agent"], problem, found)
    cis = kinds.problem_cis(problem)
    assert [(ci.name, n) for ci, n in cis] == [("web-01", 2), ("web-02", 1)]
    causes, n = kinds.problem_causes(problem)
    assert n == 3 and causes[0].ci.name == "core-sw-1" and causes[0].explains == 3
    page = text(login("agent").get(f"/tickets/{problem.number}"))
    ranked = page[page.index('id="root-cause-candidates"'):]
    assert ranked.index("core-sw-1") < ranked.index("hv-01")
    assert "Affected CIs" in page and "2 incidents" in page


def test_an_incident_gets_root_cause_help_from_the_incidents_open_now(login, estate, users, org_a):
    mine = incident_on(users, estate["node1"], "web-01 down")
    other = make_ticket(users["other_user"], title="DB unreachable")
    links.link_cis(users["agent"], other, [estate["globex"]])
    incident_on(users, estate["node2"], "web-02 down")
    causes, n = kinds.incident_causes(mine)
    assert n == 3 and causes[0].ci.name == "core-sw-1" and causes[0].explains == 3
    tickets.transition(users["agent"], other, "resolved", resolution_code="fixed", resolution="Restarted.")
    causes, n = kinds.incident_causes(mine)
    assert n == 2 and causes[0].ci.name == "core-sw-1"
    assert "Root-cause candidates" in text(login("agent").get(f"/tickets/{mine.number}"))


def test_a_known_error_is_offered_by_shared_dependency_or_class(login, estate, users, org_a):
    problem = make_ticket(users["agent"], kind="problem", organization=org_a, title="hv-01 NIC resets")
    links.link_cis(users["agent"], problem, [estate["hv1"]])
    problems.mark_known_error(users["agent"], problem, "Pin the NIC driver to 5.2.")
    on_web01 = incident_on(users, estate["node1"], "web-01 slow")  # runs on hv-01
    offered = kinds.known_errors_by_ci(on_web01)
    assert [(p.number, reason, shared) for p, _, reason, shared in offered] == [(problem.number, "dependency", "hv-01")]
    on_hv2 = incident_on(users, estate["hv2"], "hv-02 flaps")  # both hypervisors hang on the core switch
    assert [(reason, shared) for _, _, reason, shared in kinds.known_errors_by_ci(on_hv2)] == [("dependency", "core-sw-1")]
    hv3 = services.create_ci(users["agent"], ci_class=cls("hypervisor"), name="hv-03")  # racked, not cabled yet
    on_hv3 = incident_on(users, hv3, "hv-03 NIC resets")
    assert [(reason, shared) for _, _, reason, shared in kinds.known_errors_by_ci(on_hv3)] == [("class", "Hypervisor")]
    unrelated = incident_on(users, estate["shop"], "Shop is slow")
    assert kinds.known_errors_by_ci(unrelated) == []
    page = text(login("agent").get(f"/tickets/{on_web01.number}"))
    assert "Pin the NIC driver to 5.2." in page and "same dependency: hv-01" in page


def test_clients_never_see_the_cmdb_beside_the_kinds(login, estate, users, org_a):
    incident = incident_on(users, estate["node1"], "web-01 down")
    page = text(login("client_user").get(f"/portal/tickets/{incident.number}"))
    assert "Root-cause candidates" not in page and "core-sw-1" not in page
