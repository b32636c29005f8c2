"""Bulk loading into PostgreSQL with psycopg's COPY.

- The big tables are truncated and filled in one transaction with COPY … FREEZE:
  no WAL-heavy second pass to set hint bits, and the visibility map is set, so
  index-only scans work from the start.
- Foreign keys are not checked row by row (session_replication_role = replica, for
  this session only): the generator makes them right, and the verify step counts
  orphans once at the end instead.
- The tickets' composite indexes and the two GIN indexes are dropped before the
  load and rebuilt from their own pg_indexes definitions afterwards, in parallel
  sessions; the other indexes are filled in key order and stay.
- The search documents are computed in SQL (to_tsvector over the tickets and their
  messages), in id ranges, one session per core.
The schema at the end is exactly the one `flask db upgrade` made.
"""
import queue
import threading

import psycopg
from sqlalchemy.engine import make_url

from bench import generate
from bench.load_common import PeopleRows

DEFERRED_TABLES = ("tickets", "ticket_search")
SEQUENCE_TABLES = ("organizations", "teams", "users", "tickets", "ticket_events", "messages")

SEARCH_SQL = """
INSERT INTO ticket_search (ticket_id, doc)
SELECT t.id,
       setweight(to_tsvector('simple', t.title), 'A')
       || setweight(to_tsvector('simple', concat_ws(E'\\n', t.description, m.public)), 'B')
       || setweight(to_tsvector('simple', coalesce(m.internal, '')), 'D')
FROM tickets t
LEFT JOIN LATERAL (
    SELECT string_agg(body_text, E'\\n' ORDER BY id) FILTER (WHERE NOT internal) AS public,
           string_agg(body_text, E'\\n' ORDER BY id) FILTER (WHERE internal) AS internal
    FROM messages WHERE messages.ticket_id = t.id
) m ON true
WHERE t.id BETWEEN %s AND %s
"""
# The description is sanitized HTML; PostgreSQL's parser skips tags and entities, so its
# lexemes are those of the plain text the app indexes (app.tickets.search.documents).

ORPHANS_SQL = """
SELECT (SELECT count(*) FROM messages m WHERE NOT EXISTS (SELECT 1 FROM tickets t WHERE t.id = m.ticket_id))
     + (SELECT count(*) FROM tickets t WHERE NOT EXISTS (SELECT 1 FROM organizations o WHERE o.id = t.organization_id))
     + (SELECT count(*) FROM ticket_search s WHERE NOT EXISTS (SELECT 1 FROM tickets t WHERE t.id = s.ticket_id))
"""


def conninfo(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def schema(connection) -> list[tuple]:
    """Columns, indexes and constraints of the public schema."""
    return [*connection.execute(
        "SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns "
        "WHERE table_schema = 'public' ORDER BY table_name, ordinal_position"),
        *connection.execute("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
                            "ORDER BY indexname"),
        *connection.execute("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                            "WHERE connamespace = 'public'::regnamespace ORDER BY conname")]


class PostgresLoader:
    def __init__(self, url: str):
        self.conninfo = conninfo(url)
        self.connection = self._connect()
        self.deferred: list[tuple[str, str]] = []

    def _connect(self, autocommit: bool = False) -> psycopg.Connection:
        connection = psycopg.connect(self.conninfo, autocommit=autocommit)
        connection.execute("SET synchronous_commit = off")
        connection.execute("SET session_replication_role = replica")  # no per-row FK triggers (superuser)
        connection.execute("SET maintenance_work_mem = '1GB'")
        connection.execute("SET max_parallel_maintenance_workers = 0")  # we run one index per core ourselves
        connection.execute("SET work_mem = '64MB'")
        connection.commit()
        return connection

    def schema(self) -> list[tuple]:
        rows = schema(self.connection)
        self.connection.commit()
        return rows

    def prepare(self) -> None:
        c = self.connection
        self.deferred = list(c.execute(
            "SELECT indexname, indexdef FROM pg_indexes i WHERE schemaname = 'public' AND tablename = ANY(%s) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname) ORDER BY indexname",
            (list(DEFERRED_TABLES),)))
        for name, _ in self.deferred:
            c.execute(f'DROP INDEX "{name}"')
        c.commit()
        # One transaction for the whole load: truncated here, so COPY … FREEZE may freeze the rows.
        c.execute("TRUNCATE tickets, messages, ticket_events CASCADE")

    def load_people(self, rows: PeopleRows) -> None:
        with self.connection.cursor() as cursor:
            for table, columns, values in rows.tables():
                with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in values:
                        copy.write_row(row)

    def load_chunk(self, chunk) -> None:
        tickets, messages, events, _ = chunk
        with self.connection.cursor() as cursor:
            for table, columns, data in (("tickets", generate.TICKET_COLUMNS, tickets),
                                         ("messages", generate.MESSAGE_COLUMNS, messages),
                                         ("ticket_events", generate.EVENT_COLUMNS, events)):
                if data:
                    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FREEZE)") as copy:
                        copy.write(data)

    def build_search_index(self, ticket_count: int, jobs: int) -> None:
        self.connection.commit()  # the load's transaction
        step = max(1, -(-ticket_count // (jobs * 8)))
        ranges = [(lo, min(lo + step - 1, ticket_count)) for lo in range(1, ticket_count + 1, step)]
        self._parallel([(SEARCH_SQL, r) for r in ranges], jobs)

    def build_indexes(self, jobs: int) -> None:
        slow_first = sorted(self.deferred, key=lambda item: "gin" not in item[1])  # GIN builds take longest
        self._parallel([(sql, None) for _, sql in slow_first], jobs)

    def _parallel(self, statements: list[tuple[str, tuple | None]], jobs: int) -> None:
        """Run statements on `jobs` sessions at once, each in its own transaction."""
        work: queue.Queue = queue.Queue()
        for item in statements:
            work.put(item)
        errors: list[BaseException] = []

        def run():
            try:
                with self._connect() as connection:
                    while True:
                        try:
                            sql, params = work.get_nowait()
                        except queue.Empty:
                            return
                        connection.execute(sql, params)
                        connection.commit()
            except BaseException as error:  # re-raised in the main thread
                errors.append(error)

        threads = [threading.Thread(target=run) for _ in range(max(1, jobs))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise errors[0]

    def set_sequences(self, last_numbers: dict[str, int]) -> None:
        c = self.connection
        c.commit()
        with c.cursor() as cursor:
            cursor.executemany("UPDATE ticket_sequences SET last_value = %s WHERE kind = %s",
                               [(value, kind) for kind, value in last_numbers.items()])
        for table in SEQUENCE_TABLES:  # ids were given explicitly: move each serial past them
            c.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        c.commit()

    def finish(self) -> None:
        with self._connect(autocommit=True) as connection:
            for table in ("organizations", "teams", "users", "team_members", "tickets", "messages", "ticket_events",
                          "ticket_search", "ticket_sequences"):
                connection.execute(f"VACUUM (ANALYZE) {table}")

    def counts(self) -> dict[str, int]:
        c = self.connection
        orphans = c.execute(ORPHANS_SQL).fetchone()[0]
        assert orphans == 0, f"{orphans} rows point at nothing"
        result = {t: c.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("organizations", "teams", "users", "tickets", "messages", "ticket_events", "ticket_search")}
        c.commit()
        return result

    def close(self) -> None:
        self.connection.close()
