"""The machine a benchmark ran on, in one line each: cores, memory, Python, databases."""
import os
import platform
import sqlite3
import sys
import time


def memory() -> str:
    try:
        with open("/proc/meminfo") as f:
            kb = int(next(line for line in f if line.startswith("MemTotal")).split()[1])
        return f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration, ValueError):
        return "?"


def postgres_version(url: str) -> str:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.exec_driver_sql("SHOW server_version").scalar()
    finally:
        engine.dispose()


def database_label(url: str) -> str:
    """A short name for output files: the SQLite file's stem or the PostgreSQL database's name."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    name = os.path.splitext(os.path.basename(parsed.database or "db"))[0]
    return f"{parsed.get_backend_name()}-{name}"


def describe(url: str) -> str:
    lines = [
        f"date        {time.strftime('%Y-%m-%d %H:%M %Z')}",
        f"machine     {os.cpu_count()} cores, {memory()} memory, {platform.platform()}",
        f"load        {' '.join(f'{x:.2f}' for x in os.getloadavg())} (1, 5, 15 min; the cores are shared)",
        f"python      {sys.version.split()[0]}",
        f"sqlite      {sqlite3.sqlite_version}",
    ]
    if url.startswith("postgresql"):
        lines.append(f"postgresql  {postgres_version(url)}")
    return "\n".join(lines)
