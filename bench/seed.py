"""Seed a large, realistic Zayavka database fast, for the benchmarks.

    .venv/bin/python bench/seed.py --database-url sqlite:///bench/out/bench.sqlite
    .venv/bin/python bench/seed.py --database-url postgresql://postgres@127.0.0.1:5432/zayavka_bench

On an empty database (a PostgreSQL one is created if missing): `flask db upgrade`,
then 300 organizations, 5,000 client contacts, 60 staff in 8 teams, 1,000,000
tickets over three years with 4,000,000 messages, their creation events, the
ticket number sequences and the full-text index. Deterministic for a --seed.
Worker processes draw chunks of rows while the main process loads them.
"""
import argparse
import collections
import multiprocessing
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import generate  # noqa: E402
from bench.load_common import PeopleRows, password_hash  # noqa: E402

TIMINGS: list[tuple[str, float]] = []


@contextmanager
def phase(name: str):
    print(f"-- {name} …", flush=True)
    started = time.perf_counter()
    yield
    took = time.perf_counter() - started
    TIMINGS.append((name, took))
    print(f"   {name}: {took:.1f} s", flush=True)


def normalize(url: str) -> str:
    """psycopg 3 for PostgreSQL; an absolute path for SQLite (Flask-SQLAlchemy would put a
    relative one under the instance folder)."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        return "sqlite:///" + os.path.abspath(url[len("sqlite:///"):])
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def create_postgres_database(url: str) -> None:
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    engine = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.exec_driver_sql("SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,)).first()
        if not exists:
            connection.exec_driver_sql(f'CREATE DATABASE "{parsed.database}"')
            print(f"   created database {parsed.database}")
    engine.dispose()


def seeded_already(url: str) -> bool:
    """True when a complete seed is there (the ticket sequences are set last); exits on a partial one."""
    import sqlalchemy as sa

    if url.startswith("sqlite") and not os.path.exists(sa.engine.make_url(url).database):
        return False
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            if not sa.inspect(connection).has_table("ticket_sequences"):
                return False
            tickets = connection.exec_driver_sql("SELECT count(*) FROM tickets").scalar()
            numbered = connection.exec_driver_sql("SELECT max(last_value) FROM ticket_sequences").scalar()
    except sa.exc.OperationalError:  # a PostgreSQL database that does not exist yet
        return False
    finally:
        engine.dispose()
    if tickets and not numbered:
        sys.exit("The database holds an unfinished seed: delete the SQLite file or drop the database, then seed again.")
    return bool(tickets)


def migrate(url: str, require_empty: bool = True) -> None:
    """`flask db upgrade`: create_app on this URL, then Flask-Migrate's upgrade()."""
    os.environ.setdefault("ZAYAVKA_INSTANCE_PATH", str(ROOT / "bench" / "out" / "instance"))
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-seed", "LOG_LEVEL": "WARNING"})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        import sqlalchemy as sa

        busy = db.session.scalar(sa.text("SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM tickets)"))
        db.session.remove()
        db.engine.dispose()
    if busy and require_empty:
        sys.exit("The database is not empty: seed.py fills only an empty database.")


# -- the worker processes -----------------------------------------------------------------------------------------

_drawer = None


def _start_worker(seed, people, copy):
    global _drawer
    _drawer = generate.Drawer(seed, people, copy)


def _draw(spec):
    number, first_id, piece, offsets, want_docs = spec
    return _drawer.chunk(number, first_id, piece, offsets, want_docs)


def drawn_chunks(pool, specs, window: int):
    """The chunks in order, with at most `window` drawn ahead (bounded memory)."""
    pending = collections.deque()
    for spec in specs:
        pending.append(pool.apply_async(_draw, (spec,)))
        if len(pending) >= window:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()


# -- main ---------------------------------------------------------------------------------------------------------

def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--messages", type=int, default=4_000_000)
    parser.add_argument("--organizations", type=int, default=300)
    parser.add_argument("--clients", type=int, default=5000)
    parser.add_argument("--staff", type=int, default=60)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--jobs", type=int, default=max(1, min(4, os.cpu_count() or 1)),
                        help="worker processes drawing rows (default: the number of cores, at most 4)")
    parser.add_argument("--chunk", type=int, default=20_000, help="tickets per chunk (one transaction)")
    parser.add_argument("--if-missing", action="store_true", help="do nothing when the database is seeded already")
    args = parser.parse_args(argv)
    url = normalize(args.database_url)
    if args.if_missing and seeded_already(url):
        print(f"{url.split('@')[-1]} is seeded already: not seeding again; bringing its schema up to date.")
        migrate(url, require_empty=False)
        return
    postgres = url.startswith("postgresql")
    print(f"Seeding {args.tickets:,} tickets, {args.messages:,} messages into {url.split('@')[-1]} "
          f"with {args.jobs} worker(s)", flush=True)
    total_started = time.perf_counter()

    with phase("migrate (flask db upgrade)"):
        if postgres:
            create_postgres_database(url)
        migrate(url)

    with phase("plan: people, ticket times, kinds, message counts"):
        people = generate.draw_people(args.seed, args.organizations, args.clients, args.staff)
        plan = generate.draw_plan(args.seed, args.tickets, args.messages)
        pool = multiprocessing.get_context("fork").Pool(args.jobs, _start_worker, (args.seed, people, postgres))

    if postgres:
        from bench.load_postgres import PostgresLoader as Loader
    else:
        from bench.load_sqlite import SQLiteLoader as Loader
    loader = Loader(url)
    before = loader.schema()
    try:
        with phase("load: organizations, users, tickets, messages, events" + ("" if postgres else ", FTS5 rows")):
            loader.prepare()
            loader.load_people(PeopleRows(people, password_hash(args.seed),
                                          generate.TimeFormat("+00" if postgres else ".000000")))
            specs = ((n, first, piece, offsets, not postgres)
                     for n, first, piece, offsets in generate.chunks(plan, args.chunk))
            for loaded, chunk in enumerate(drawn_chunks(pool, specs, window=args.jobs + 1), start=1):
                loader.load_chunk(chunk)
                if loaded % 10 == 0:
                    print(f"   {min(loaded * args.chunk, args.tickets):,} tickets "
                          f"({time.perf_counter() - total_started:.0f} s)", flush=True)
        pool.close()
        pool.join()
        if postgres:
            with phase("full-text index: tsvectors computed in SQL"):
                loader.build_search_index(args.tickets, args.jobs)
        with phase("secondary indexes"):
            loader.build_indexes(args.jobs)
        with phase("ticket sequences, " + ("VACUUM ANALYZE" if postgres else "FTS5 optimize, WAL")):
            loader.set_sequences(generate.sequences(plan))
            loader.finish()
        with phase("verify: row counts and schema"):
            counts = loader.counts()
            after = loader.schema()
    finally:
        pool.terminate()
        loader.close()

    expected = {"organizations": args.organizations, "teams": len(people.teams),
                "users": args.clients + args.staff, "tickets": args.tickets, "messages": args.messages,
                "ticket_events": args.tickets, "ticket_search": args.tickets}
    print("rows:", ", ".join(f"{table} {count:,}" for table, count in counts.items()))
    assert counts == expected, f"row counts differ: {counts} != {expected}"
    assert after == before, "the schema differs from what `flask db upgrade` made"
    print("schema: identical to what `flask db upgrade` made")
    total = time.perf_counter() - total_started
    print("\nphase                                              seconds")
    for name, took in TIMINGS:
        print(f"{name:<50} {took:7.1f}")
    print(f"{'total':<50} {total:7.1f}   (target: under 600 s)")


if __name__ == "__main__":
    main()
