"""The knowledge base: article search and the portal's suggestions on 100,000 articles.

    python bench/kb.py [--database-url sqlite:///bench/out/kb.sqlite] [--articles 100000] [--runs 50]

Loads generated articles (English and Ukrainian text: Zipf over 20,000 words per language with the
domain's words among the fairly common ones; a tenth limited to one of 50 organizations, a tenth
internal) into kb_articles and the search index once, in bulk, then
times: kb.queries.articles() as an agent and as a client (ranked search, two or three words,
the last a prefix), and GET /portal/kb/suggest over HTTP as a client (a threaded werkzeug server
in this process, logged in) with what a client types into the new-ticket form. Prints p50/p95
beside the targets (search ≤ 30 ms, suggestion ≤ 50 ms).
"""
import argparse
import os
import platform
import random
import re
import statistics
import sys
import threading
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from app import create_app  # noqa: E402
from app.auth import services as accounts  # noqa: E402
from app.auth.models import User  # noqa: E402
from app.auth.permissions import SHELL  # noqa: E402
from app.extensions import db  # noqa: E402
from app.orgs import services as orgs  # noqa: E402
from app.orgs.models import Organization  # noqa: E402
from app.timeutil import utcnow  # noqa: E402
from bench.cmdb_impact import p95, timed  # noqa: E402
from kb import queries, search  # noqa: E402
from kb.models import Article, article_organizations  # noqa: E402

PASSWORD = "bench-password-1"
EN = ("mail server disk full backup restore certificate renew vpn tunnel drops dns record spf dkim bounce "  # noqa: SIM905
      "password reset panel login database replication slow query nginx apache php upgrade kernel reboot "
      "firewall port blocked latency packet loss raid degraded memory swap cron job timeout quota exceeded "
      "website down ssl expired domain transfer ftp sftp ssh key rotated monitoring alert cpu load").split()
UK = ("пошта сервер диск заповнений резервна копія відновлення сертифікат оновити тунель обривається запис "  # noqa: SIM905
      "повертається пароль скинути панель вхід база даних реплікація повільний запит оновлення ядро "
      "перезавантаження брандмауер порт заблоковано затримка втрата пакетів масив пам'ять завдання квота "
      "сайт недоступний домен перенесення ключ моніторинг сповіщення навантаження").split()


SYLLABLES = ("ka ro mi te lo sa ne vi du pa ri go be tu mo la zi fe no ha ki ru se da po li "  # noqa: SIM905
             "ma ve to ni").split()
SYLLABLES_UK = ("ка ро мі те ло са не ві ду па рі го бе ту мо ла зі фе но ха кі ру се да по лі ма ве то ні "  # noqa: SIM905
                "ща ю я є ї").split()


class Corpus:
    """Text as people write it: a few words very common, most rare (Zipf over 20,000 words per
    language), the domain's words among the fairly common ones."""

    def __init__(self, rng, domain, syllables):
        filler = {"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(25_000)}
        vocabulary = sorted(filler - set(domain))[:20_000]
        rng.shuffle(vocabulary)
        for rank, word in zip(range(40, 40 + 6 * len(domain), 6), domain, strict=False):
            vocabulary.insert(rank, word)
        self.words = vocabulary
        self.weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
        self.rng = rng

    def text(self, n: int) -> str:
        return " ".join(self.rng.choices(self.words, self.weights, k=n))


def load(count: int, seed: int) -> None:
    if db.session.scalar(sa.select(sa.func.count()).select_from(Article)):
        return
    start = time.perf_counter()
    rng = random.Random(seed)
    corpora = {"en": Corpus(rng, EN, SYLLABLES), "uk": Corpus(rng, UK, SYLLABLES_UK)}
    clients = [orgs.create_organization(SHELL, code=f"K{i:03}", name=f"Client {i:03}").id for i in range(1, 51)]
    now = utcnow()
    postgres = db.engine.dialect.name == "postgresql"
    gin = []
    if postgres:  # the search index's GIN indexes are built once at the end, not updated 100,000 times
        gin = db.session.execute(sa.text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'kb_search' "
                                         "AND indexdef LIKE '%USING gin%'")).all()
        for name, _definition in gin:
            db.session.execute(sa.text(f"DROP INDEX {name}"))
    for first in range(1, count + 1, 10_000):
        rows, index, audience = [], [], []
        for article_id in range(first, min(first + 10_000, count + 1)):
            language = "uk" if article_id % 3 == 0 else "en"
            corpus = corpora[language]
            title = corpus.text(rng.randint(4, 8)).capitalize()
            body = "\n\n".join(corpus.text(rng.randint(20, 60)) for _ in range(rng.randint(2, 6)))
            visibility = "internal" if article_id % 10 == 0 else "organizations" if article_id % 10 == 1 else "clients"
            rows.append({"id": article_id, "title": title, "body": body, "body_html": f"<p>{body}</p>", "tags": [],
                         "visibility": visibility, "language": language, "status": "published",
                         "version": 1, "uses": 0, "deflections": 0, "helpful": 0, "unhelpful": 0,
                         "created_at": now, "updated_at": now, "published_at": now})
            index.append({"id": article_id, "title": search.fold(title), "body": search.fold(body), "tags": ""})
            if visibility == "organizations":
                audience.append({"article_id": article_id, "organization_id": clients[article_id % 50]})
        db.session.execute(sa.insert(Article), rows)
        db.session.execute(sa.insert(article_organizations), audience)
        if postgres:
            db.session.execute(sa.text(
                "INSERT INTO kb_search (article_id, doc) VALUES (:id, setweight(to_tsvector('simple', :title), 'A') "
                "|| setweight(to_tsvector('simple', :tags), 'B') || setweight(to_tsvector('simple', :body), 'C'))"),
                index)
        else:
            db.session.execute(sa.text("INSERT INTO kb_search (rowid, title, body, tags) VALUES "
                                       "(:id, :title, :body, :tags)"), index)
        db.session.commit()
    if postgres:
        for _name, definition in gin:
            db.session.execute(sa.text(definition))
        db.session.execute(sa.text("SELECT setval(pg_get_serial_sequence('kb_articles', 'id'), "
                                   "(SELECT max(id) FROM kb_articles))"))
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE kb_articles, kb_search, kb_article_organizations")
    print(f"loaded      {count:,} articles in {time.perf_counter() - start:.1f} s")


def people() -> tuple[User, User]:
    for email, role in (("bench-agent@provider.test", "agent"), ("bench-client@k001.test", "client_user")):
        if db.session.scalar(sa.select(User.id).where(User.email == email)) is None:
            org = db.session.scalar(sa.select(Organization).where(Organization.code == "K001")) \
                if role == "client_user" else None
            accounts.create_user(SHELL, email=email, name=role, role=role, organization=org, password=PASSWORD)
    return tuple(db.session.scalar(sa.select(User).where(User.email == e))
                 for e in ("bench-agent@provider.test", "bench-client@k001.test"))


def http_client(base: str):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    page = opener.open(base + "/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrf_token": token, "email": "bench-client@k001.test", "password": PASSWORD})
    opener.open(base + "/login", data.encode()).read()
    return opener


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=f"sqlite:///{ROOT / 'bench/out/kb.sqlite'}")
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    (ROOT / "bench/out").mkdir(exist_ok=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url, "RATE_LIMITS": False, "WTF_CSRF_ENABLED": True})
    rng = random.Random(args.seed + 1)
    queries_typed = []
    for _ in range(args.runs):
        words = rng.choice((EN, UK))
        picked = [rng.choice(words) for _ in range(rng.randint(2, 3))]
        picked[-1] = picked[-1][:max(3, len(picked[-1]) - 2)]  # the last word half typed
        queries_typed.append(" ".join(picked))
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        load(args.articles, args.seed)
        agent, client = people()
        db.session.commit()
        print(f"machine     {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}, Python {platform.python_version()}, "
              f"{db.engine.dialect.name}")
        for who, reader in (("agent", agent), ("client", client)):
            queries.articles(reader, queries_typed[0], limit=25)
            wall, cpu = timed(lambda q, r=reader: (queries.articles(r, q, limit=25), db.session.rollback()),
                              queries_typed)
            print(f"search as {who:6} p50 {statistics.median(wall):6.1f} ms, p95 {p95(wall):6.1f} ms "
                  f"(cpu p95 {p95(cpu):.1f}) (target ≤ 30)")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    opener = http_client(base)

    def suggest(q):
        title, _, rest = q.partition(" ")
        query = urllib.parse.urlencode({"title": q, "description": f"since this morning {rest}"})
        response = opener.open(f"{base}/portal/kb/suggest?{query}")
        assert response.status == 200
        response.read()

    suggest(queries_typed[0])
    wall, cpu = timed(suggest, queries_typed)  # the server runs in this process: its CPU time is counted too
    print(f"suggestion over HTTP p50 {statistics.median(wall):6.1f} ms, p95 {p95(wall):6.1f} ms "
          f"(cpu p95 {p95(cpu):.1f}) (target ≤ 50)")
    server.shutdown()


if __name__ == "__main__":
    main()
