"""Articles linked to CIs and CI classes: picked on the form (the CMDB's type-ahead), shown to
agents as links and to clients as the names of their own CIs only; an article clients read may
not name another organization's CI; beside a ticket, articles linked to its CIs come first."""
import pytest
import sqlalchemy as sa

from cmdb import links
from cmdb import services as cmdb
from cmdb.queries import class_by_code
from kb import queries, services
from kb.models import Article
from tests.factories import make_ticket


@pytest.fixture
def estate(users, org_a, org_b):
    cmdb.seed_catalog(users["admin"])
    server, switch = class_by_code("physical_server"), class_by_code(
        "network_device") or class_by_code("physical_server")
    return {"acme": cmdb.create_ci(users["agent"], ci_class=server, name="acme-db-01", organization=org_a),
            "globex": cmdb.create_ci(users["agent"], ci_class=server, name="globex-web-01", organization=org_b),
            "core": cmdb.create_ci(users["agent"], ci_class=switch, name="core-sw-1")}


def test_the_form_offers_the_cmdb_type_ahead_and_takes_what_it_picks(login, users, estate, db):
    agent = login("agent")
    form = agent.get("/kb/new").get_data(as_text=True)
    assert 'data-kb-ci-picker' in form and 'data-ci-search="/cmdb/search.json"' in form and "js/kb.js" in form
    acme = estate["acme"]
    picked = agent.get("/cmdb/search.json?q=acme-db").get_json()["items"][0]["value"]
    assert picked == f"acme-db-01 (#{acme.id})"
    done = agent.submit("/kb/new", {"title": "DB restarts", "visibility": "internal", "language": "en",
                                    "cis": f"{picked}, core-sw-1", "ci_classes": ["physical_server"]})
    assert done.status_code == 302
    article = db.session.scalar(sa.select(Article))
    assert sorted(ci.name for ci in article.cis) == ["acme-db-01", "core-sw-1"]
    edit = agent.get(f"/kb/{article.id}/edit").get_data(as_text=True)
    assert f'value="acme-db-01 (#{acme.id}), core-sw-1 (#{estate["core"].id})"' in edit
    page = agent.get(f"/kb/{article.id}").get_data(as_text=True)
    assert f'href="/cmdb/{acme.id}">acme-db-01</a>' in page


def test_an_article_for_everyone_naming_a_clients_ci_is_refused_on_the_form_and_in_the_api(login, api, users,
                                                                                             estate, db):
    page = login("agent").submit("/kb/new", {"title": "Web restarts", "visibility": "clients", "language": "en",
                                            "cis": f"globex-web-01 (#{estate['globex'].id})"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "globex-web-01 belong to an organization" in text
    refused = api("agent").post("/api/v1/kb/articles", json={"title": "Web restarts", "visibility": "clients",
                                                              "cis": [str(estate["globex"].id)]})
    assert refused.status_code == 422 and "globex-web-01" in refused.get_json()["error"]["fields"]["cis"][0]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Article)) == 0
    # widening an internal article later is refused the same way
    article = services.create_article(users["agent"], title="Web restarts", cis=[estate["globex"]])
    widened = api("agent").patch(f"/api/v1/kb/articles/{article.id}", json={"version": article.version,
                                                                            "visibility": "clients"})
    assert widened.status_code == 422 and "cis" in widened.get_json()["error"]["fields"]


def test_clients_see_the_names_of_their_own_cis_only(login, api, users, org_a, org_b, estate, publish):
    article = publish("Shared cluster failover", "Steps.", visibility="organizations", organizations=[org_a, org_b],
                      cis=[estate["acme"], estate["globex"], estate["core"]],
                      ci_classes=[class_by_code("physical_server")])
    mine = login("client_user").get(f"/portal/kb/{article.id}").get_data(as_text=True)
    assert "acme-db-01" in mine and "globex-web-01" not in mine and "core-sw-1" not in mine
    theirs = login("other_user").get(f"/portal/kb/{article.id}").get_data(as_text=True)
    assert "globex-web-01" in theirs and "acme-db-01" not in theirs and "core-sw-1" not in theirs
    assert f"/cmdb/{estate['acme'].id}" not in mine  # names, not the staff pages
    as_json = api("client_user").get(f"/api/v1/kb/articles/{article.id}").get_data(as_text=True)
    assert "globex-web-01" not in as_json and "core-sw-1" not in as_json


def test_beside_a_ticket_articles_linked_to_its_cis_come_first(users, org_a, estate, publish):
    by_words = publish("Database restarts every night", "database restarts nightly", visibility="clients")
    by_class = publish("Servers: firmware", "firmware", visibility="internal",
                       ci_classes=[class_by_code("physical_server")])
    by_ci = publish("acme-db-01 runbook", "runbook", visibility="organizations", organizations=[org_a],
                    cis=[estate["acme"]])
    ticket = make_ticket(users["client_user"], title="Database restarts", description="The database restarts.")
    assert [f.article.id for f in queries.related_to_ticket(users["agent"], ticket)] == [by_words.id]
    links.link_cis(users["agent"], ticket, [estate["acme"]])
    assert [f.article.id for f in queries.related_to_ticket(users["agent"], ticket)] == [by_ci.id, by_class.id,
                                                                                          by_words.id]
