"""`flask kb export|import`, the review-by reminders and the unhelpful-feedback task, with a real
RQ worker and a real SMTP sink."""
from datetime import date, timedelta

import sqlalchemy as sa

from app.auth.models import User
from app.timeutil import utcnow
from kb import services
from kb.jobs import review_reminders
from kb.models import Article
from tests.helpers import run_jobs
from tests.mail.headers import assert_ours


def test_export_then_import_round_trips(app, users, org_a, db, publish, tmp_path):
    publish("Пошта не надходить", "Перевірте **MX**.", language="uk", visibility="organizations",
            organizations=[org_a], tags=["mail"])
    runner = app.test_cli_runner()
    result = runner.invoke(args=["kb", "export", str(tmp_path)])
    assert "1 articles written" in result.output
    (written,) = tmp_path.glob("*.md")
    text = written.read_text(encoding="utf-8")
    assert text.startswith("---\n") and "organizations:\n- ACME" in text and "Перевірте **MX**." in text
    (tmp_path / "new.md").write_text("---\ntitle: Reset a password\nstatus: published\nvisibility: clients\n"
                                     "category: Panel / Accounts\n---\nClick *Forgot*.\n", encoding="utf-8")
    result = runner.invoke(args=["kb", "import", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "1 created, 1 updated, 1 published" in result.output
    db.session.expire_all()
    new = db.session.scalar(sa.select(Article).where(Article.title == "Reset a password"))
    assert new.status == "published" and new.category.path == "Panel / Accounts"


def test_a_bad_file_imports_nothing(app, users, db, tmp_path):
    (tmp_path / "good.md").write_text("---\ntitle: Fine\n---\nText\n", encoding="utf-8")
    (tmp_path / "bad.md").write_text("---\ntitle: ''\nvisibility: organizations\norganizations: [NOPE]\n---\n",
                                     encoding="utf-8")
    (tmp_path / "worse.md").write_text("no front matter", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["kb", "import", str(tmp_path)])
    assert result.exit_code == 1
    assert "bad.md: organizations: no organization NOPE" in result.output and "worse.md" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Article)) == 0


def test_review_reminders_mail_the_author_once(app, users, db, publish, mailbox):
    article = publish("Old article", "Text.")
    article.review_by = utcnow().date() - timedelta(days=1)
    article_id, author, manager_id = article.id, users["agent"].email, users["manager"].id
    db.session.commit()
    assert review_reminders() == 1  # a job: it leaves no session behind
    assert review_reminders() == 0  # reminded already
    (mail,) = mailbox.messages
    assert mail["To"] == author and "Old article" in mail["Subject"]
    services.publish(db.session.get(User, manager_id), db.session.get(Article, article_id))  # reviewed again
    assert db.session.get(Article, article_id).review_by > date.today()


def test_unhelpful_feedback_mails_the_author(app, users, db, publish, mailbox):
    article = publish("Reset the panel password", "Click *Forgot*.")
    services.give_feedback(users["client_user"], article, False, "There is no such link")
    assert run_jobs(app) == 1
    (mail,) = mailbox.messages
    assert mail["To"] == users["agent"].email
    assert "There is no such link" in mailbox.body(mail)
    assert_ours(mail)
