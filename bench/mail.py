"""The mail gateway's throughput: generated mail through ``gateway.ingest``, as the MTA pipe
and the IMAP poller call it (store, parse, thread, the ticket services, the outbox rows).

    .venv/bin/python bench/mail.py                      # 10,000 mails, a fresh SQLite file
    .venv/bin/python bench/mail.py --database-url postgresql://postgres@127.0.0.1:5432/zayavka_mailbench --workers 4

The mix: about 55 % new tickets (plain text), 25 % replies carrying a ticket's tag, 10 % with a
file (a PNG or a log), 10 % HTML with quoted history. 20 organizations with 10 contacts each are
made first. The database is made fresh (SQLite in a temporary directory; on PostgreSQL the named
database is dropped and created) and upgraded. Redis: ``--redis-url``, else an embedded
redis-server. Prints messages/s (target: at least 100/s on SQLite with one process).
"""
import argparse
import multiprocessing
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa75\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")
WORDS = ("disk", "full", "backup", "failed", "web-01", "db-03", "certificate", "expired", "VPN", "slow", "mail",
         "printer", "rack", "power", "latency", "replication", "lag", "login", "password", "quota")


def make_app(database_url: str, redis_url: str, attachment_dir: str):
    from flask_migrate import upgrade

    from app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": redis_url, "SECRET_KEY": "bench-mail",
                      "ATTACHMENT_DIR": attachment_dir, "MAIL_AUTO_REPLY_LIMIT": 1000,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})  # seeding 200 contacts, not timed
    return app, upgrade


def seed(app, upgrade) -> list[str]:
    from app.auth import services as accounts
    from app.auth.permissions import SHELL
    from app.orgs import services as orgs

    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        addresses = []
        for number in range(20):
            org = orgs.create_organization(SHELL, code=f"ORG{number}", name=f"Client {number}")
            for person in range(10):
                email = f"c{person}@org{number}.test"
                accounts.create_user(SHELL, email=email, name=f"Contact {person} of {number}", role="client_user",
                                     organization=org, password="bench password 1", send_invitation=False)
                addresses.append(email)
    return addresses


def generate(count: int, addresses: list[str], seed_value: int = 7) -> list[tuple[str, bytes]]:
    """(kind, raw) pairs; a reply names the ticket opened by an earlier "new" mail of the same list."""
    rng = random.Random(seed_value)
    mails, opened = [], []  # the sender of each ticket opened so far: INC-1 is opened[0]
    for index in range(count):
        roll = rng.random()
        kind = "new" if roll < 0.55 or not opened else "reply" if roll < 0.80 else "file" if roll < 0.90 else "html"
        number = rng.randint(1, len(opened)) if kind == "reply" else None
        sender = opened[number - 1] if number else rng.choice(addresses)  # the requester answers
        subject = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 8))).capitalize()
        message = EmailMessage()
        message["From"] = f"Contact <{sender}>"
        message["To"] = "support@zayavka.example"
        message["Message-ID"] = f"<bench-{index}@{sender.split('@')[1]}>"
        body = "\n".join(" ".join(rng.choice(WORDS) for _ in range(12)) for _ in range(rng.randint(2, 12)))
        if kind == "reply":
            message["Subject"] = f"Re: [INC-{number}] {subject}"
            message.set_content(body + "\n\nOn Monday, support wrote:\n> We received your ticket.\n")
        elif kind == "html":
            message["Subject"] = subject
            message.set_content(body)
            message.add_alternative(f"<html><body><p>{body}</p><blockquote>Earlier mail</blockquote></body></html>",
                                    subtype="html")
        else:
            message["Subject"] = subject
            message.set_content(body)
            if kind == "file":
                if rng.random() < 0.5:
                    message.add_attachment(PNG, maintype="image", subtype="png", filename="screen.png")
                else:
                    message.add_attachment(body.encode() * 20, maintype="text", subtype="plain", filename="app.log")
        if kind != "reply":
            opened.append(sender)  # every other mail opens a ticket (known contacts), numbered in order
        mails.append((kind, message.as_bytes()))
    return mails


def ingest_all(database_url: str, redis_url: str, attachment_dir: str, mails: list[bytes]) -> int:
    from app.mail import gateway

    app, _upgrade = make_app(database_url, redis_url, attachment_dir)
    done = 0
    with app.app_context():
        for raw in mails:
            result = gateway.ingest(raw, "bench")
            done += result.status == "ticketed"
    return done


def profile(database_url: str, redis_url: str, attachment_dir: str, mails: list[tuple[str, bytes]],
            out: str | None) -> None:
    """The steady figures on a shared machine: SQL statements and Python calls per mail of each kind
    (cProfile's count, deterministic for the same code and data), then the functions with the most
    of cProfile's time over the whole mix; ``out``: a pyinstrument flame page of a second pass."""
    import io
    saved = sys.path[:]  # bench/ holds profile.py, which hides the standard library's
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
    import cProfile
    import pstats
    sys.path[:] = saved

    from sqlalchemy import event

    from app.extensions import db
    from app.mail import gateway

    app, _upgrade = make_app(database_url, redis_url, attachment_dir)
    statements: list[str] = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda c, cur, sql, *a: statements.append(sql))
        warm, mails = mails[:100], mails[100:]
        for _kind, raw in warm:  # imports, caches, the first statements
            gateway.ingest(raw, "bench")
        half = len(mails) // 2
        first, second = mails[:half], mails[half:]
        per_kind: dict[str, list[int]] = {}
        counter = cProfile.Profile()
        for kind, raw in first:
            statements.clear()
            counter.enable()
            gateway.ingest(raw, "bench")
            counter.disable()
            per_kind.setdefault(kind, []).append(len(statements))
        stats = pstats.Stats(counter)
        print(f"profile: {len(first)} mails, {stats.total_calls / len(first) / 1000:.1f}k Python calls a mail")
        for kind, counts in per_kind.items():
            print(f"  {kind}: {len(counts)} mails, {sum(counts) / len(counts):.1f} statements a mail")
        stream = io.StringIO()
        stats.stream = stream
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(30)
        print(stream.getvalue())
        shown = set()
        for kind, raw in second[:40]:
            if kind in shown:
                continue
            shown.add(kind)
            statements.clear()
            gateway.ingest(raw, "bench")
            print(f"-- the statements of one {kind} mail --")
            for sql in statements:
                print("   ", " ".join(sql.split())[:160])
        second = [(kind, raw) for kind, raw in second[:40] if kind not in shown] + second[40:]
        if out:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            profiler.start()
            for _kind, raw in second[1:]:
                gateway.ingest(raw, "bench")
            profiler.stop()
            Path(out).write_text(profiler.output_html())
            print(profiler.output_text(unicode=False, color=False, show_all=False, short_mode=True)[:8000])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="PostgreSQL database to (re)create; default: a fresh SQLite file")
    parser.add_argument("--redis-url", help="default: an embedded redis-server")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=1, help="processes ingesting at once")
    parser.add_argument("--profile", action="store_true", help="instead of timing: statements and Python calls "
                        "a mail (cProfile), and its top functions")
    parser.add_argument("--flame", help="with --profile: a pyinstrument flame page of the second half here")
    args = parser.parse_args()

    from app.jobs import EmbeddedRedis

    workdir = tempfile.mkdtemp(prefix="zayavka-mailbench-")
    redis = None
    redis_url = args.redis_url
    if not redis_url:
        redis = EmbeddedRedis(tempfile.mkdtemp(prefix="zr-")).start()  # short: unix socket paths are limited
        redis_url = redis.url
    database_url = args.database_url or f"sqlite:///{workdir}/mail.sqlite"
    if args.database_url:
        from sqlalchemy_utils import create_database, database_exists, drop_database

        if database_exists(database_url):
            drop_database(database_url)
        create_database(database_url)
    try:
        app, upgrade = make_app(database_url, redis_url, os.path.join(workdir, "files"))
        addresses = seed(app, upgrade)
        mails = generate(args.count, addresses)
        mix = {kind: sum(1 for k, _ in mails if k == kind) for kind in ("new", "reply", "file", "html")}
        raws = [raw for _, raw in mails]
        if args.profile:
            profile(database_url, redis_url, os.path.join(workdir, "files"), mails, args.flame)
            return
        # Replies name tickets opened earlier in the list: each worker takes a contiguous slice.
        slices = [raws[i * len(raws) // args.workers:(i + 1) * len(raws) // args.workers] for i in range(args.workers)]
        started, cpu = time.perf_counter(), time.process_time()
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        if args.workers == 1:
            ticketed = ingest_all(database_url, redis_url, os.path.join(workdir, "files"), raws)
        else:
            with multiprocessing.get_context("fork").Pool(args.workers) as pool:
                ticketed = sum(pool.starmap(ingest_all, [(database_url, redis_url, os.path.join(workdir, "files"), part)
                                                         for part in slices]))
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        label = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
        print(f"mail gateway, {label}, {args.workers} process(es): {len(raws)} mails {mix}")
        print(f"  {elapsed:.1f} s, {len(raws) / elapsed:.0f} messages/s (target ≥ 100/s on SQLite, one process); "
              f"{ticketed} placed on tickets")
        if args.workers == 1:  # on a shared machine the wall clock waits for others; the CPU time does not
            print(f"  {cpu:.1f} s of this process's CPU: {len(raws) / cpu:.0f} messages per CPU second")
        else:  # the workers' CPU, once the pool has ended them
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            used = (after.ru_utime - children.ru_utime) + (after.ru_stime - children.ru_stime)
            if used > 0:
                print(f"  {used:.1f} s of the workers' CPU: {len(raws) / used:.0f} messages per CPU second")
    finally:
        if redis is not None:
            redis.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
