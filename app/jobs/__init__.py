"""Background jobs: the one package that talks to Redis and RQ.

Services call enqueue_after_commit(); it writes an outbox row in the same
transaction, and the job runs only once that transaction has committed, so the
worker always finds the rows — and no job is lost when Redis is away
(outbox.py). Jobs are functions of ids, named by import path
("app.auth.jobs.send_password_reset").
"""
from app.jobs.connection import QUEUES, cached, forget_local, get_queue, get_redis, redis_url
from app.jobs.embedded import EmbeddedRedis
from app.jobs.outbox import enqueue_after_commit, enqueue_unique_after_commit, init_app, without_jobs
from app.jobs.versions import changed, versioned, watch
from app.jobs.worker import PERIODIC, enqueue_due_periodic, job

__all__ = ["QUEUES", "PERIODIC", "EmbeddedRedis", "cached", "forget_local", "enqueue_after_commit",
           "enqueue_unique_after_commit", "enqueue_due_periodic", "get_queue", "get_redis", "job", "redis_url",
           "without_jobs", "init_app", "changed", "versioned", "watch"]

