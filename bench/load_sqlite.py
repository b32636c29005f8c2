"""Bulk loading into SQLite: SQLAlchemy Core executemany (straight to the driver's
cursor.executemany) in big transactions, with the PRAGMAs of a bulk load, the
tickets' secondary indexes built after the rows are in, and the FTS5 index filled
in bulk from the documents the generator made. The schema at the end is exactly
the one `flask db upgrade` made: the indexes are rebuilt from their own SQL."""
import sqlalchemy as sa

from bench import generate
from bench.load_common import PeopleRows

# The tickets' secondary indexes are built after the load: inserting 1M rows into
# composite indexes in random key order costs more than sorting once at the end.
# The other indexes are filled in key order (ids only grow) and stay.
DEFERRED_TABLE = "tickets"


def schema(connection) -> list[tuple]:
    return list(connection.exec_driver_sql(
        "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_stat%' ORDER BY type, name"))


class SQLiteLoader:
    def __init__(self, url: str):
        self.engine = sa.create_engine(url)
        self.connection = self.engine.connect()
        self.deferred: list[str] = []

    def schema(self) -> list[tuple]:
        return schema(self.connection)

    def prepare(self) -> None:
        c = self.connection
        c.commit()
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-1048576", "temp_store=MEMORY",
                       "locking_mode=EXCLUSIVE", "foreign_keys=OFF"):
            c.exec_driver_sql(f"PRAGMA {pragma}")
        indexes = c.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                                    "AND sql IS NOT NULL ORDER BY name", (DEFERRED_TABLE,)).all()
        for name, sql in indexes:  # (the unique ones, sqlite_autoindex_*, have no SQL and stay)
            self.deferred.append(sql)
            c.exec_driver_sql(f'DROP INDEX "{name}"')
        c.commit()

    def load_people(self, rows: PeopleRows) -> None:
        c = self.connection
        for table, columns, values in rows.tables():
            marks = ", ".join("?" * len(columns))
            c.exec_driver_sql(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                              [tuple(int(v) if isinstance(v, bool) else v for v in row) for row in values])
        c.commit()

    def load_chunk(self, chunk) -> None:
        tickets, messages, events, docs = chunk
        c = self.connection
        c.exec_driver_sql(_insert("tickets", generate.TICKET_COLUMNS), tickets)
        if messages:
            c.exec_driver_sql(_insert("messages", generate.MESSAGE_COLUMNS), messages)
        c.exec_driver_sql(_insert("ticket_events", generate.EVENT_COLUMNS), events)
        c.exec_driver_sql("INSERT INTO ticket_search (rowid, title, public, internal) VALUES (?, ?, ?, ?)", docs)
        c.commit()

    def build_search_index(self, ticket_count: int, jobs: int) -> None:
        """Filled chunk by chunk in load_chunk: SQLite has one writer."""

    def build_indexes(self, jobs: int) -> None:
        for sql in self.deferred:
            self.connection.exec_driver_sql(sql)
        self.connection.commit()

    def set_sequences(self, last_numbers: dict[str, int]) -> None:
        c = self.connection
        c.exec_driver_sql("UPDATE ticket_sequences SET last_value = ? WHERE kind = ?",
                          [(value, kind) for kind, value in last_numbers.items()])
        c.commit()

    def finish(self) -> None:
        """Leave the file as the app expects it: WAL, and the FTS5 segments merged."""
        c = self.connection
        c.exec_driver_sql("INSERT INTO ticket_search (ticket_search) VALUES ('optimize')")
        c.commit()
        c.exec_driver_sql("PRAGMA journal_mode=WAL")
        c.exec_driver_sql("PRAGMA locking_mode=NORMAL")

    def counts(self) -> dict[str, int]:
        c = self.connection
        return {t: c.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar_one()
                for t in ("organizations", "teams", "users", "tickets", "messages", "ticket_events", "ticket_search")}

    def close(self) -> None:
        self.connection.close()
        self.engine.dispose()


def _insert(table: str, columns) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
