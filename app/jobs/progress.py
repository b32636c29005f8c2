"""How far a long job has got, kept in Redis for the page that polls it (a CMDB import today).

A job's own transaction may hold the database's write lock for its whole run (an all-or-nothing
import on SQLite), so its progress cannot be written to the database where a page would see it;
Redis takes it instead. Without Redis nothing is reported and ``read`` answers None."""
import json
import logging

from app.jobs.connection import get_redis

log = logging.getLogger(__name__)
KEEP_SECONDS = 24 * 3600


def _key(name: str) -> str:
    return f"zayavka:progress:{name}"


def report(name: str, done: int, total: int) -> None:
    try:
        get_redis().set(_key(name), json.dumps([done, total]), ex=KEEP_SECONDS)
    except Exception:  # noqa: BLE001 - progress is a courtesy: the job goes on without it
        log.warning("progress %s not reported", name)


def read(name: str) -> tuple[int, int] | None:
    try:
        found = get_redis().get(_key(name))
    except Exception:  # noqa: BLE001
        return None
    return tuple(json.loads(found)) if found else None
