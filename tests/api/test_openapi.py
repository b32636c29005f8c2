"""The OpenAPI document tells the truth.

It is valid OpenAPI 3.1 (openapi-spec-validator) and documents every API view.
Then every documented operation is called: with realistic data (the calls
below), and made to fail in each way it documents — no token (401), an unknown
number (404), bad input (422), plus the hand-made 403, 409 and 413. Every
response must have a documented status and media type, and its body must
validate (jsonschema, draft 2020-12, formats checked) against the schema
documented for that status. Output schemas list every field as required and
allow no other, so a missing, extra or mistyped field fails. Each operation
must answer every status it documents at least once, and the JSON sent must
itself match the documented request schema.
"""
import gzip
import io
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from openapi_spec_validator import validate as validate_spec

from app.changes import services as change_services
from app.extensions import db
from app.incidents import services as incidents
from app.requests import catalog
from app.requests import services as catalog_services
from app.tickets import relations, services
from app.tickets.models import Ticket
from app.uploads import Upload
from cmdb import links
from cmdb import services as cmdb
from cmdb.queries import class_by_code
from kb import services as kb
from kb.models import Article
from tests.factories import PNG, make_ticket

MISSING = {"number": "INC-99999", "attachment_id": 99999, "code": "NOPE", "item_id": 99999, "ci_id": 99999, "article_id": 99999}


@dataclass
class Call:
    who: str | None = "agent"  # whose token; None: no token at all
    json: object = None  # a value, or a function of the world
    query: dict | None = None
    form: object = None  # a function of the world giving a multipart body
    expect: int = 200
    params: dict | None = None  # path parameters instead of the world's
    config: dict = field(default_factory=dict)  # app settings for this call only
    check_request: bool = True  # the JSON sent must match the documented request schema


@dataclass
class World:
    path: dict
    ids: dict

    def version(self, number: str) -> int:
        return db.session.scalar(sa.select(Ticket.version).where(Ticket.number == number))

    def article_version(self, article_id: int) -> int:
        return db.session.scalar(sa.select(Article.version).where(Article.id == article_id))


def upload(*named):
    return lambda w: {"body": "See the attached files", "file": [(io.BytesIO(data), name) for name, data in named]}


# The realistic calls, and the failures that need a story (403, 409, 413). In list order.
CALLS = {
    ("get", "/api/v1/tickets"): [
        Call("agent", query={"kind": "incident", "sort": "updated"}), Call("client_user", query={"limit": "1"}),
        Call("agent", query={"view": "open", "q": "disk", "organization": "ACME"})],
    ("post", "/api/v1/tickets"): [
        Call("client_user", json={"kind": "incident", "title": "Nightly backup failed", "description": "Exit code 2.",
                                  "impact": 2, "urgency": 1, "cis": ["backup-01"]}, expect=201),
        Call("agent", json={"kind": "change", "title": "Replace PSU in web-01", "organization": "ACME",
                            "category": "hardware", "affected_system": "web-01",
                            "change": {"risk": None, "risk_answers": {"downtime": True}, "organizations": ["ACME"],
                                       "planned_start": "2030-06-02T02:00:00+03:00",
                                       "planned_end": "2030-06-02T04:00:00+03:00"}}, expect=201),
        Call("agent", json={"kind": "problem", "title": "PSUs fail in rack 4", "organization": "ACME",
                            "problem": {"root_cause": "A bad batch of PSUs"}}, expect=201)],
    ("get", "/api/v1/tickets/{number}"): [Call("agent"), Call("client_user")],
    ("patch", "/api/v1/tickets/{number}"): [
        Call("agent", json=lambda w: {"version": w.version("INC-1"), "urgency": 1, "team": w.ids["team"],
                                      "assignee": w.ids["agent"], "major": False}),
        Call("agent", json={"version": 1, "title": "Someone else read version 1"}, expect=409),
        Call("client_user", json=lambda w: {"version": w.version("INC-1"), "title": "Mine"}, expect=403)],
    ("post", "/api/v1/tickets/{number}/transition"): [
        Call("agent", json=lambda w: {"status": "open", "version": w.version("INC-1")}),
        Call("agent", json={"status": "pending", "version": 1}, expect=409)],
    ("get", "/api/v1/tickets/{number}/messages"): [Call("agent"), Call("client_user")],
    ("post", "/api/v1/tickets/{number}/messages"): [
        Call("client_user", json={"body": "Any news?"}, expect=201),
        Call("agent", json={"body": "Vendor ticket 4411 opened", "internal": True}, expect=201),
        Call("client_user", json={"body": "Psst", "internal": True}, expect=403)],
    ("get", "/api/v1/tickets/{number}/attachments"): [Call("agent"), Call("client_user")],
    ("post", "/api/v1/tickets/{number}/attachments"): [
        Call("client_user", form=upload(("screen.png", PNG), ("df.txt", b"/dev/sda1 100%")), expect=201),
        Call("client_user", form=lambda w: {"internal": "true", **upload(("a.png", PNG))(w)}, expect=403),
        Call("client_user", form=upload(("big.log", b"x" * 2048)), config={"ATTACHMENT_MAX_BYTES": 1024}, expect=413)],
    ("get", "/api/v1/tickets/{number}/attachments/{attachment_id}"): [Call("client_user"), Call("agent")],
    ("get", "/api/v1/tickets/{number}/links"): [Call("agent"), Call("client_user", expect=403)],
    ("post", "/api/v1/tickets/{number}/links"): [
        Call("agent", json={"kind": "caused_by", "target": "PRB-1"}, expect=201),
        Call("client_user", json={"kind": "related", "target": "PRB-1"}, expect=403)],
    ("get", "/api/v1/tickets/{number}/worklog"): [Call("agent"), Call("client_user", expect=403)],
    ("post", "/api/v1/tickets/{number}/worklog"): [
        Call("agent", json={"minutes": 40, "note": "Swapped the disk", "work_date": "2026-03-02"}, expect=201),
        Call("agent", json={"minutes": 5, "billable": False}, expect=201),
        Call("client_user", json={"minutes": 5}, expect=403)],
    ("post", "/api/v1/tickets/{number}/merge"): [
        Call("agent", json={"target": "PRB-1"}, expect=422),  # only within a kind
        Call("agent", json={"target": "INC-2"}),
        Call("client_user", json={"target": "INC-2"}, expect=403)],
    ("patch", "/api/v1/tickets/{number}/problem"): [
        Call("agent", json={"root_cause": "Log rotation races the exporter", "workaround": "Restart it"},
             params={"number": "PRB-1"}),
        Call("client_user", json={"root_cause": "Mine"}, expect=403)],
    ("patch", "/api/v1/tickets/{number}/change"): [
        Call("agent", json={"risk": "high", "implementation_plan": "Swap the PSU", "backout_plan": "Put the old one back",
                            "planned_end": "2030-06-02T05:00:00+03:00"}, params={"number": "CHG-2"}),
        Call("client_user", json={"risk": "low"}, expect=403)],
    ("get", "/api/v1/tickets/{number}/approvals"): [
        Call("manager", params={"number": "CHG-1"}), Call("client_user", expect=403)],
    ("post", "/api/v1/tickets/{number}/approvals"): [
        Call("manager", json={"decision": "approve", "comment": "Sound plan"}, params={"number": "CHG-1"}, expect=201),
        Call("agent", json={"decision": "approve", "comment": "Me too"}, params={"number": "CHG-1"}, expect=403)],
    ("get", "/api/v1/changes/calendar"): [
        Call("manager", query={"from": "2030-06-01", "to": "2030-06-08"}),
        Call("agent", query={"organization": "ACME", "risk": "medium"}), Call("client_user", expect=403)],
    ("get", "/api/v1/catalog"): [Call("agent"), Call("client_user")],
    ("post", "/api/v1/catalog/{item_id}/orders"): [
        Call("client_user", json={"values": {"hostname": "web-09", "cores": 4}, "note": "For the shop"}, expect=201),
        Call("agent", json={"values": {"hostname": "db-07", "cores": "2"}, "organization": "ACME"}, expect=201)],
    ("get", "/api/v1/organizations"): [Call("agent"), Call("client_user")],
    ("get", "/api/v1/organizations/{code}"): [Call("agent"), Call("client_user")],
    ("get", "/api/v1/users"): [Call("admin", query={"role": "agent"}), Call("client_admin", expect=403)],
    ("get", "/api/v1/teams"): [Call("manager"), Call("client_user", expect=403)],
    ("get", "/api/v1/me"): [Call("agent"), Call("client_user")],
    ("get", "/api/v1/openapi.json"): [Call(None)],
    ("get", "/api/v1/reports/sla"): [
        Call("agent", query={"from": "2026-01-01", "to": "2027-01-01", "organization": "NOPE"}, expect=404),
        Call("agent", query={"from": "2026-01-01", "to": "2027-01-01", "group": "priority", "kind": "incident"}),
        Call("agent", query={"from": "2026-01-01", "to": "2026-04-01", "group": "month", "format": "csv"}),
        Call("agent", query={"from": "2026-01-01", "to": "2026-04-01", "group": "team", "format": "xlsx"}),
        Call("client_admin", query={"from": "2026-01-01", "to": "2027-01-01", "organization": "ACME"}),
        Call("client_user", query={"from": "2026-01-01", "to": "2027-01-01"}, expect=403)],
    ("get", "/api/v1/cis"): [
        Call("agent", query={"q": "backup", "organization": "ACME"}),
        Call("client_user", query={"group": "hardware", "limit": "10"}), Call("agent", query={"organization": "provider"})],
    ("get", "/api/v1/cis/{ci_id}"): [Call("agent"), Call("client_user")],
    ("get", "/api/v1/cis/{ci_id}/relations"): [Call("agent"), Call("client_user")],
    ("get", "/api/v1/cis/{ci_id}/impact"): [
        Call("agent"), Call("client_user", expect=403)],
    ("get", "/api/v1/tickets/{number}/cis"): [Call("agent"), Call("client_user")],
    ("post", "/api/v1/tickets/{number}/cis"): [
        Call("client_user", json={"cis": ["backup-01"]}, expect=201),
        Call("agent", json=lambda w: {"cis": [str(w.ids["switch"])]}, expect=201)],
    # The knowledge base: article 1 is published for ACME, article 2 a draft; INC-3 is resolved.
    ("get", "/api/v1/kb/articles"): [Call("agent", query={"q": "relay"}), Call("client_user", query={"limit": "1"})],
    ("post", "/api/v1/kb/articles"): [
        Call("agent", json={"title": "Mail relay", "body": "Add **SPF**.", "visibility": "organizations",
                            "organizations": ["ACME"], "tags": ["mail"], "category": "Mail / Relay"}, expect=201),
        Call("client_user", json={"title": "Mine"}, expect=403)],
    ("get", "/api/v1/kb/articles/{article_id}"): [Call("agent"), Call("client_user")],
    ("patch", "/api/v1/kb/articles/{article_id}"): [
        Call("agent", json=lambda w: {"version": w.article_version(1), "body": "Add the relay to **SPF**."}),
        Call("agent", json={"version": 99999, "title": "Stale"}, expect=409),
        Call("client_user", json={"version": 1}, expect=403)],
    ("post", "/api/v1/kb/articles/{article_id}/publish"): [Call("manager"), Call("agent", expect=403)],
    ("post", "/api/v1/kb/articles/{article_id}/submit"): [Call("agent", params={"article_id": 2}),
                                                         Call("client_user", expect=403)],
    ("post", "/api/v1/kb/articles/{article_id}/retire"): [Call("agent", params={"article_id": 2}),
                                                         Call("client_user", expect=403)],
    ("get", "/api/v1/kb/suggest"): [Call("client_user", query={"q": "mail rel"}),
                                    Call("agent", query={"q": '"NEAR( mail*'})],
    ("post", "/api/v1/tickets/{number}/article"): [
        Call("agent", params={"number": "INC-3"}, query={"language": "uk"}, expect=201),
        Call("client_user", params={"number": "INC-3"}, expect=403)],
    ("get", "/api/v1/incidents/major"): [Call("agent"), Call("client_user")],
    ("post", "/api/v1/tickets/{number}/updates"): [
        Call("agent", json={"body": "The switch is being replaced.", "body_uk": "Комутатор замінюють."},
             params={"number": "INC-4"}, expect=201),
        Call("manager", json={"body": "Vendor RMA 7731", "public": False}, params={"number": "INC-4"}, expect=201),
        Call("client_user", json={"body": "We fixed it"}, expect=403)],
    ("get", "/api/v1/status"): [Call("client_user"), Call("agent")],
}


def derived_failures(operation: dict, calls: list[Call]) -> list[Call]:
    """The failures every operation can be driven into, from what the document says it answers."""
    first = calls[0]
    failures = []
    if "401" in operation["responses"]:
        failures.append(Call(None, json=first.json, query=first.query, form=first.form, expect=401))
    if "404" in operation["responses"]:
        failures.append(Call("agent", json=first.json, query=first.query, form=first.form, params=MISSING, expect=404))
    if "422" in operation["responses"]:
        if first.form is not None:
            failures.append(Call(first.who, form=lambda w: {"body": "no file here"}, expect=422))
        elif first.json is not None:
            failures.append(Call(first.who, json={"bogus": 1}, expect=422, check_request=False))
        else:
            failures.append(Call(first.who, query={"bogus": "1"}, expect=422))
    if "413" in operation["responses"] and first.json is not None:  # a form upload's 413 is a realistic call
        failures.append(Call(first.who, json={"padding": "x" * (1024 * 1024)}, params=first.params, expect=413,
                             check_request=False))
    return failures


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json


@pytest.fixture
def world(users, org_a, team):
    ticket = make_ticket(users["client_user"], title="Disk full on web-01", uploads=[Upload("df.png", PNG)])
    make_ticket(users["agent"], kind="problem", organization=org_a, title="Log rotation broken")
    make_ticket(users["client_user"], title="Disk full on web-01 again")  # INC-2, to merge INC-1 into
    relations.log_time(users["agent"], ticket, minutes=20)
    change = change_services.create_change(  # CHG-1, at the CAB
        users["agent"], organization=org_a, title="Upgrade the exporter", risk="medium",
        planned_start=datetime(2030, 6, 1, 23, tzinfo=UTC), planned_end=datetime(2030, 6, 2, 1, tzinfo=UTC),
        implementation_plan="apt install", backout_plan="apt install the old one")
    for status in ("submitted", "assessment", "awaiting_approval"):
        services.transition(users["agent"], change, status)
    item = catalog_services.save_item(users["admin"], None, name="Virtual server", fields=catalog.parse_fields(
        "hostname | Server name | text | required\ncores | CPU cores | number | required"))
    switch, server = cmdb_estate(users, org_a)
    links.link_cis(users["agent"], ticket, [server])
    article = kb.create_article(users["agent"], title="Mail relay and SPF", body="Add the relay to SPF.",
                                visibility="organizations", organizations=[org_a])
    kb.publish(users["manager"], article)
    kb.create_article(users["agent"], title="A draft")
    solved = make_ticket(users["client_user"], title="Mail bounces")  # INC-3
    services.transition(users["agent"], solved, "resolved", resolution_code="configuration", resolution="SPF fixed.")
    outage = make_ticket(users["agent"], organization=org_a, title="Core switch down", impact=1, urgency=1)  # INC-4
    incidents.declare(users["manager"], outage, "Every client behind core-sw-1")
    return World(path={"number": ticket.number, "attachment_id": ticket.attachments[0].id, "code": "ACME",
                       "item_id": item.id, "ci_id": server.id, "article_id": article.id},
                 ids={"team": team.id, "agent": users["agent"].id, "switch": switch.id})


def cmdb_estate(users, org_a):
    """The provider's switch, and ACME's backup server behind it."""
    cmdb.seed_catalog(users["admin"])
    switch = cmdb.create_ci(users["agent"], ci_class=class_by_code("switch"), name="core-sw-1", ip_addresses="10.0.0.1")
    server = cmdb.create_ci(users["agent"], ci_class=class_by_code("physical_server"), name="backup-01",
                            organization=org_a, hostname="backup-01.acme.test", attributes={"ram_gb": 64})
    cmdb.add_relation(users["agent"], server, switch, "connected_to")
    service = cmdb.create_ci(users["agent"], ci_class=class_by_code("client_service"), name="Backups", organization=org_a)
    cmdb.add_relation(users["agent"], service, server, "runs_on")
    return switch, server


def validator(spec: dict, schema: dict) -> Draft202012Validator:
    """A validator of ``schema`` whose "#/components/…" references resolve inside the document."""
    return Draft202012Validator({**schema, "components": spec["components"]}, format_checker=FormatChecker())


def check_response(spec: dict, operation: dict, response, where: str) -> None:
    status = str(response.status_code)
    assert status in operation["responses"], f"{where} answered {status}, which the document does not list"
    content = operation["responses"][status]["content"]
    assert response.mimetype in content, f"{where} {status} is {response.mimetype}, documented {list(content)}"
    if response.mimetype == "application/json":
        validator(spec, content["application/json"]["schema"]).validate(response.json)
    else:
        assert response.data, f"{where} sent an empty file"


def check_request(spec: dict, operation: dict, call: Call, body, form) -> None:
    documented = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
    assert set(call.query or {}) <= documented or call.expect == 422
    if body is not None and call.check_request:
        validator(spec, operation["requestBody"]["content"]["application/json"]["schema"]).validate(body)
    if form is not None:
        properties = operation["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]
        assert set(form) <= set(properties)


def send(app, api, spec, template, method, call, world):
    operation = spec["paths"][template][method]
    path = template.format(**{**world.path, **(call.params or {})})
    body = call.json(world) if callable(call.json) else call.json
    form = call.form(world) if call.form else None
    check_request(spec, operation, call, body, form)
    client = api(call.who) if call.who else app.test_client()
    kwargs = {"json": body} if body is not None else {"data": form} if form is not None else {}
    saved = {name: app.config[name] for name in call.config}
    app.config.update(call.config)
    try:
        response = client.open(path, method=method.upper(), query_string=call.query, **kwargs)
    finally:
        app.config.update(saved)
    where = f"{method.upper()} {path} as {call.who}"
    assert response.status_code == call.expect, f"{where}: {response.status_code} {response.get_data(as_text=True)}"
    check_response(spec, operation, response, where)
    return response


def test_the_document_is_valid_openapi_and_covers_every_api_view(app, spec):
    validate_spec(spec)
    assert spec["openapi"].startswith("3.1")
    api_endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")}
    documented = {f"api.{op['operationId']}" for item in spec["paths"].values() for op in item.values()}
    assert documented == api_endpoints


def test_every_documented_operation_answers_as_documented(app, api, spec, world):
    documented = {(method, path) for path, item in spec["paths"].items() for method in item}
    assert documented == set(CALLS), "every documented operation has realistic calls here, and only those"
    answered = defaultdict(set)
    for (method, template), calls in CALLS.items():
        operation = spec["paths"][template][method]
        for call in calls + derived_failures(operation, calls):
            response = send(app, api, spec, template, method, call, world)
            answered[(method, template)].add(str(response.status_code))
    for (method, template), statuses in answered.items():  # 429s: tests/security/test_rate_limits.py
        assert statuses | {"429"} == set(spec["paths"][template][method]["responses"]), f"{method.upper()} {template}"


def test_the_check_catches_a_body_that_does_not_match(app, api, spec, world):
    """The validation is not a formality: a field missing, added or mistyped fails it."""
    operation = spec["paths"]["/api/v1/tickets/{number}"]["get"]
    body = api("client_user").get("/api/v1/tickets/INC-1").json
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    validator(spec, schema).validate(body)
    for broken in ({k: v for k, v in body.items() if k != "number"}, {**body, "assignee": None},
                   {**body, "version": "1"}, {**body, "created_at": "yesterday"}):
        with pytest.raises(ValidationError):
            validator(spec, schema).validate(broken)


def test_answers_are_compressed_for_clients_that_accept_it(api, users, org_a):
    for number in range(30):
        make_ticket(users["client_user"], title=f"Disk full on web-{number:02d}")
    agent = api("agent")
    plain = agent.get("/api/v1/tickets", headers={"Accept-Encoding": "identity"})
    packed = agent.get("/api/v1/tickets", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in plain.headers and packed.headers["Content-Encoding"] == "gzip"
    assert len(packed.data) * 3 < len(plain.data)
    assert json.loads(gzip.decompress(packed.data)) == plain.json
