"""The demo's knowledge base."""
import sqlalchemy as sa

from app import demo
from app.auth.models import User
from kb import queries
from kb.models import Article


def test_the_demo_has_articles_for_everyone_one_organization_and_staff(app, db):
    demo.seed()
    articles = db.session.scalars(sa.select(Article)).all()
    assert len(articles) >= 8
    assert any(a.source_tickets and a.status == "draft" for a in articles)
    anna = db.session.scalar(sa.select(User).where(User.email == "anna@dnipro-logistics.example"))
    other = db.session.scalar(sa.select(User).where(User.role == "client_admin", User.organization_id != anna.organization_id))
    titles = {f.article.title for f in queries.articles(anna, limit=100)}
    assert "VPN drops every hour" in titles and "Core switch maintenance runbook" not in titles
    assert "VPN drops every hour" not in {f.article.title for f in queries.articles(other, limit=100)}
    assert queries.suggest(anna, "пошта повертається")[0].article.language == "uk"
    assert demo.seed() == 0 or db.session.scalar(sa.select(sa.func.count()).select_from(Article)) == len(articles)
