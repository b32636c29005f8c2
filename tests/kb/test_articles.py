"""Articles: writing, versions, review and publishing, who reads what, and bad input."""
import pytest
import sqlalchemy as sa

from app.errors import Forbidden, NotFound, ValidationError
from kb import queries, services
from kb.models import Article, ArticleVersion


def test_a_draft_renders_markdown_to_clean_html_and_keeps_versions(users, db):
    article = services.create_article(users["agent"], title="Reset a mailbox password",
                                      body="Open **Settings** → *Mail*.\n\n<script>alert(1)</script>\n\n"
                                           "[click](javascript:alert(1)) <a href=\"javascript:x()\">x</a>")
    assert article.status == "draft" and article.author == users["agent"]
    assert "<strong>Settings</strong>" in article.body_html
    assert "<script" not in article.body_html and "alert(1)</" not in article.body_html
    assert 'href="javascript' not in article.body_html and "<a rel=" in article.body_html  # the link lost its href
    services.update_article(users["manager"], article, version=article.version, body="Open **Settings**.",
                            note="shorter")
    rows = queries.versions(article)
    assert [(v.number, v.author.role) for v in rows] == [(2, "manager"), (1, "agent")]
    lines = queries.diff(rows[1], rows[0])
    assert ("+", "Open **Settings**.") in lines
    assert any(kind == "-" and "Settings" in text for kind, text in lines)


def test_a_stale_version_changes_nothing(users, db):
    article = services.create_article(users["agent"], title="One")
    old = article.version
    services.update_article(users["agent"], article, version=old, title="Two")
    with pytest.raises(services.StaleVersion):
        services.update_article(users["agent"], article, version=old, title="Three")
    db.session.expire_all()
    assert db.session.get(Article, article.id).title == "Two"


def test_the_workflow_and_the_second_reviewer(app, users, db):
    article = services.create_article(users["manager"], title="VPN on a phone", body="Install the app.")
    services.submit_for_review(users["manager"], article)
    assert article.status == "in_review"
    with pytest.raises(ValidationError) as refused:
        services.publish(users["manager"], article)  # the author, under the second-reviewer policy
    assert "reviewer" in refused.value.errors
    db.session.expire_all()
    assert db.session.get(Article, article.id).status == "in_review"
    with pytest.raises(Forbidden):
        services.publish(users["agent"], article)  # an agent is no reviewer
    services.publish(users["admin"], article)
    assert article.status == "published" and article.reviewer == users["admin"] and article.review_by is not None
    services.retire(users["agent"], article)
    assert article.status == "retired"
    with pytest.raises(ValidationError):
        services.update_article(users["agent"], article, title="Changed")


def test_without_the_policy_a_manager_publishes_their_own(app, users, db):
    app.config["KB_REVIEW_BY_OTHER"] = False
    try:
        article = services.create_article(users["manager"], title="Mine")
        services.publish(users["manager"], article)
        assert article.status == "published"
    finally:
        app.config["KB_REVIEW_BY_OTHER"] = True


def test_members_of_the_editors_team_publish(app, users, db):
    from tests.factories import make_team

    make_team("KB editors", members=[users["agent"]])
    app.config["KB_EDITORS_TEAM"] = "KB editors"
    try:
        article = services.create_article(users["manager"], title="Theirs")
        services.publish(users["agent"], article)
        assert article.status == "published"
    finally:
        app.config["KB_EDITORS_TEAM"] = ""


def test_clients_never_write(users, db):
    with pytest.raises(Forbidden):
        services.create_article(users["client_admin"], title="Mine")


@pytest.mark.parametrize("fields, field", [
    ({"title": ""}, "title"),
    ({"title": "a\nb"}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"visibility": "everyone"}, "visibility"),
    ({"language": "de"}, "language"),
    ({"visibility": "organizations"}, "organizations"),
    ({"tags": ["x" * 41]}, "tags"),
])
def test_bad_fields_are_named_and_nothing_is_written(users, db, fields, field):
    with pytest.raises(ValidationError) as refused:
        services.create_article(users["agent"], **{"title": "Fine", **fields})
    assert field in refused.value.errors
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Article)) == 0


def test_a_five_megabyte_article_is_refused_clearly(users, db):
    with pytest.raises(ValidationError) as refused:
        services.create_article(users["agent"], title="Huge", body="word " * (1024 * 1024))
    assert "too long" in refused.value.errors["body"][0]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ArticleVersion)) == 0


def test_a_ci_of_one_organization_on_an_article_for_all_clients_is_refused(users, org_a, org_b, db):
    from cmdb import services as cmdb
    from cmdb.models import CIClass

    cmdb.seed_catalog(users["admin"])
    vm = db.session.scalar(sa.select(CIClass).where(CIClass.code == "virtual_machine"))
    server = cmdb.create_ci(users["agent"], ci_class=vm, name="web-01", organization=org_a)
    with pytest.raises(ValidationError) as refused:
        services.create_article(users["agent"], title="Web-01 restarts", visibility="clients", cis=[server])
    assert "web-01" in refused.value.errors["cis"][0]
    with pytest.raises(ValidationError):
        services.create_article(users["agent"], title="Web-01", visibility="organizations", organizations=[org_b],
                                cis=[server])
    article = services.create_article(users["agent"], title="Web-01", visibility="organizations",
                                      organizations=[org_a], cis=[server])
    with pytest.raises(ValidationError):
        services.update_article(users["agent"], article, visibility="clients")
    db.session.expire_all()
    assert db.session.get(Article, article.id).visibility == "organizations"


def test_a_client_sees_only_published_articles_meant_for_them(users, org_a, org_b, db, publish):
    everyone = publish("For every client")
    ours = publish("For Acme", visibility="organizations", organizations=[org_a])
    theirs = publish("For Globex", visibility="organizations", organizations=[org_b])
    internal = publish("Staff only", visibility="internal")
    draft = services.create_article(users["agent"], title="Not yet", visibility="clients")
    acme = users["client_user"]
    assert {f.article.id for f in queries.articles(acme)} == {everyone.id, ours.id}
    assert {f.article.id for f in queries.articles(users["other_user"])} == {everyone.id, theirs.id}
    assert len(queries.articles(users["agent"])) == 5
    for hidden in (theirs, internal, draft):
        with pytest.raises(NotFound):
            queries.get_article(acme, hidden.id)
    with pytest.raises(NotFound):
        services.give_feedback(acme, theirs, True)
    with pytest.raises(NotFound):
        services.record_deflection(acme, internal)


def test_counters_and_unhelpful_feedback_asks_the_author(users, db, publish):
    from app.jobs.models import OutboxJob

    article = publish("Reset the panel password")
    services.record_use(users["agent"], article)
    services.record_deflection(users["client_user"], article)
    services.give_feedback(users["client_user"], article, True)
    with pytest.raises(ValidationError):
        services.give_feedback(users["client_user"], article, False, "")
    services.give_feedback(users["client_user"], article, False, "The button is not there any more")
    db.session.expire_all()
    article = db.session.get(Article, article.id)
    assert (article.uses, article.deflections, article.helpful, article.unhelpful) == (1, 1, 1, 1)
    jobs = db.session.scalars(sa.select(OutboxJob)).all()
    assert [j.func for j in jobs] == ["kb.jobs.unhelpful_feedback"]
