"""Affected organizations computed from the failed CI through the CMDB's impact analysis (the
provider registered by cmdb/doors.py), and what each client reads of it."""
import pytest

from app.errors import ValidationError
from app.incidents import queries, services
from cmdb import links


def test_the_core_switch_hits_both_clients_with_their_paths(users, major, estate, org_a, org_b):
    links.link_cis(users["agent"], major, [estate["core"]])
    assert services.compute_affected(users["agent"], major) == 2
    rows = {r.organization.code: r for r in queries.affected_of(major)}
    assert rows["ACME"].computed and rows["ACME"].services == ["Acme Shop"]
    assert [name for name, _ in rows["ACME"].path][-1] == "core-sw-1"
    assert [name for name, _ in rows["GLOBEX"].path] == ["globex-db", "core-sw-1"]


def test_a_client_reads_its_own_names_and_a_provider_component(users, major, estate):
    links.link_cis(users["agent"], major, [estate["core"]])
    services.compute_affected(users["agent"], major)
    [status] = queries.service_status(users["other_user"])
    assert status.affected == ["globex-db", "a provider component"]
    assert status.title == "Hosting in the Kyiv data centre"
    [acme] = queries.service_status(users["client_user"])
    assert "globex-db" not in acme.affected and "Acme Shop" in acme.affected


def test_without_failed_cis_nothing_is_computed(users, major, estate):
    with pytest.raises(ValidationError) as error:
        services.compute_affected(users["agent"], major)
    assert "cis" in error.value.errors
