"""An article's files: uploaded on the edit page, an image shown in the text by its name, the
rest listed; downloaded only by whoever may read the article (anyone else: 404 like a missing
file); kept across versions, in the API's article and in export/import."""
import io

import pytest
import sqlalchemy as sa

from app.errors import Forbidden
from app.uploads import Upload
from kb import attachments, services, transfer
from kb.models import Article, ArticleAttachment

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def edit(client, article, files, **fields):
    data = {"title": article.title, "body": article.body, "visibility": article.visibility,
            "language": article.language, "version": article.version, **fields}
    data["csrf_token"] = client.csrf_token(f"/kb/{article.id}/edit")
    data["attachments"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post(f"/kb/{article.id}/edit", data=data, content_type="multipart/form-data")


def test_an_agent_uploads_an_image_and_a_log_the_text_shows_the_image_and_lists_the_log(login, users, db):
    article = services.create_article(users["agent"], title="Mail queue stuck",
                                      body="Look at the queue:\n\n![the queue](attachment:queue.png)\n\nSee the log.")
    agent = login("agent")
    done = edit(agent, article, [("queue.png", PNG), ("mail.html", b"<script>alert(1)</script> postfix log\n")])
    assert done.status_code == 302
    db.session.expire_all()
    image, log = db.session.scalars(sa.select(ArticleAttachment).order_by(ArticleAttachment.id))
    assert (image.filename, image.content_type) == ("queue.png", "image/png")
    assert (log.filename, log.content_type) == ("mail.html.txt", "text/plain")  # text is text, whatever its name
    page = agent.get(f"/kb/{article.id}").get_data(as_text=True)
    assert f'<img src="/kb/{article.id}/files/{image.id}/queue.png" alt="the queue">' in page
    assert f'/kb/{article.id}/files/{log.id}/mail.html.txt' in page.split('id="kb-files"')[1]
    shown = agent.get(image.path)
    assert shown.status_code == 200 and shown.data == PNG and shown.mimetype == "image/png"
    assert shown.headers["X-Content-Type-Options"] == "nosniff"
    sent = agent.get(log.path)
    assert sent.mimetype == "text/plain" and "attachment" in sent.headers["Content-Disposition"]
    assert sent.headers["X-Content-Type-Options"] == "nosniff"
    form = agent.get(f"/kb/{article.id}/edit").get_data(as_text=True)
    assert 'data-kb-insert="[mail.html.txt](attachment:mail.html.txt)"' in form


def test_a_refused_file_is_a_form_error_and_changes_nothing(login, users, db, app):
    article = services.create_article(users["agent"], title="Crash dump", body="before")
    agent = login("agent")
    page = edit(agent, article, [("tool.exe", b"MZ\x90\x00" + b"\x00" * 200)], body="after")
    assert page.status_code == 200 and "not accepted" in page.get_data(as_text=True)
    app.config["ATTACHMENT_MAX_BYTES"] = 1000
    page = edit(agent, article, [("big.log", b"x" * 1001)], body="after")
    assert page.status_code == 200 and "larger than" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Article, article.id).body == "before"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ArticleAttachment)) == 0


@pytest.fixture
def files_of(users, org_a):
    """Articles with one PDF each: published for org A, internal, a draft for all clients, published for all."""

    def make(visibility, publish=True, organizations=()):
        article = services.create_article(users["agent"], title=f"{visibility} runbook", visibility=visibility,
                                          organizations=organizations, uploads=[Upload("runbook.pdf", PDF)])
        if publish:
            services.publish(users["manager"], article)
        return article, article.attachments[0]

    return make


def test_a_file_is_read_exactly_by_the_articles_readers(login, users, org_a, files_of):
    for_a, file_a = files_of("organizations", organizations=[org_a])
    internal, file_internal = files_of("internal")
    draft, file_draft = files_of("clients", publish=False)
    public, file_public = files_of("clients")
    own, other = login("client_user"), login("other_user")
    assert own.get(file_a.path).data == PDF
    assert own.get(file_public.path).status_code == 200 and other.get(file_public.path).status_code == 200
    missing = other.get(f"/kb/{for_a.id}/files/999999/runbook.pdf")
    for client, article, item in ((other, for_a, file_a), (own, internal, file_internal),
                                  (own, draft, file_draft), (other, draft, file_draft)):
        refused = client.get(item.path)
        assert refused.status_code == missing.status_code == 404
        assert article.title.encode() not in refused.data and PDF not in refused.data
        assert client.get(f"/kb/{article.id}/files/{item.id}").status_code == 404
    # a file of one article under another, readable, article's address
    assert own.get(f"/kb/{public.id}/files/{file_internal.id}/runbook.pdf").status_code == 404
    assert login("agent").get(file_internal.path).status_code == 200 and login("agent").get(file_draft.path).data == PDF


def test_anonymous_readers_are_sent_to_log_in(app, files_of):
    public, item = files_of("clients")
    response = app.test_client().get(item.path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_portal_page_shows_the_image_and_lists_the_files(login, users, db):
    article = services.create_article(users["agent"], title="Printer jam", visibility="clients",
                                      body="![tray](attachment:tray.png)",
                                      uploads=[Upload("tray.png", PNG), Upload("manual.pdf", PDF)])
    services.publish(users["manager"], article)
    page = login("client_user").get(f"/portal/kb/{article.id}").get_data(as_text=True)
    image, manual = article.attachments
    assert f'<img src="{image.path}" alt="tray">' in page and manual.path in page
    assert login("client_user").get(image.path).data == PNG


def test_files_stay_across_versions_a_new_one_under_the_same_name_replaces_it_and_removed_ones_go(login, users, db):
    article = services.create_article(users["agent"], title="VPN", body="v1 ![s](attachment:shot.png)",
                                      uploads=[Upload("shot.png", PNG)])
    first = article.attachments[0]
    services.update_article(users["agent"], article, body="v2 ![s](attachment:shot.png)")
    services.update_article(users["agent"], article, title="VPN drops")
    assert [a.id for a in article.attachments] == [first.id] and first.path in article.body_html
    again = PNG + b"\n"  # other bytes, same name
    services.update_article(users["agent"], article, uploads=[Upload("shot.png", again)])
    db.session.expire_all()
    newer = db.session.get(Article, article.id).attachments
    assert len(newer) == 1 and newer[0].id != first.id and newer[0].path in article.body_html
    agent = login("agent")
    assert agent.get(first.path).status_code == 404
    agent.submit(f"/kb/{article.id}/files/{newer[0].id}/remove", page=f"/kb/{article.id}/edit")
    db.session.expire_all()
    assert db.session.get(Article, article.id).attachments == []
    assert "/files/" not in db.session.get(Article, article.id).body_html
    assert agent.get(newer[0].path).status_code == 404


def test_a_client_cannot_upload_or_remove(login, users, files_of):
    public, item = files_of("clients")
    client = login("client_user")
    assert client.submit(f"/kb/{public.id}/files/{item.id}/remove", page=f"/portal/kb/{public.id}").status_code == 403
    with pytest.raises(Forbidden):
        attachments.add_attachments(users["client_user"], public, [Upload("x.png", PNG)])
    assert [a.id for a in public.attachments] == [item.id] and client.get(item.path).status_code == 200


def test_the_api_lists_an_articles_files(api, org_a, files_of):
    public, item = files_of("clients")
    for who in ("agent", "client_user"):
        got = api(who).get(f"/api/v1/kb/articles/{public.id}").get_json()
        assert got["attachments"] == [{"id": item.id, "filename": "runbook.pdf", "content_type": "application/pdf",
                                       "size": len(PDF), "url": item.path,
                                       "created_at": got["attachments"][0]["created_at"]}]
    internal, _ = files_of("internal")
    assert api("client_user").get(f"/api/v1/kb/articles/{internal.id}").status_code == 404


def test_export_writes_the_files_beside_the_article_and_import_reads_them_back(users, db, tmp_path):
    article = services.create_article(users["agent"], title="Disk full", body="![df](attachment:df.png)",
                                      uploads=[Upload("df.png", PNG), Upload("notes.log", b"df -h\n")])
    assert transfer.export_articles(tmp_path) == 1
    folder = tmp_path / f"{article.id}-disk-full.files"
    assert sorted(p.name for p in folder.iterdir()) == ["df.png", "notes.log"]
    assert (folder / "df.png").read_bytes() == PNG
    text = (tmp_path / f"{article.id}-disk-full.md").read_text()
    text = text.replace(f"id: {article.id}\n", "")  # as a new article elsewhere
    (tmp_path / "new.md").write_text(text)
    folder.rename(tmp_path / "new.files")
    (tmp_path / f"{article.id}-disk-full.md").unlink()
    transfer.import_articles(users["agent"], tmp_path)
    made = db.session.scalar(sa.select(Article).where(Article.id != article.id))
    assert [a.filename for a in made.attachments] == ["df.png", "notes.log"]
    assert made.attachments[0].path in made.body_html
    (tmp_path / "new.files" / "df.png").unlink()
    with pytest.raises(Exception, match="df.png"):
        transfer.import_articles(users["agent"], tmp_path)
