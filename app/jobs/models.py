"""The job outbox: a job asked for by an action is a row written in that action's
transaction (see app/jobs/outbox.py)."""
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.timeutil import UTCDateTime, utcnow

# pending: committed, waiting for a worker (pushed to RQ or not yet);
# running: a worker claimed it; done; failed: it raised (an admin may retry it).
STATES = ("pending", "running", "done", "failed")


class OutboxJob(db.Model):
    __tablename__ = "job_outbox"
    __table_args__ = (sa.Index("ix_job_outbox_state", "state", "id"),
                      sa.Index("uq_job_outbox_key", "key", unique=True))

    id: Mapped[int] = mapped_column(primary_key=True)
    queue: Mapped[str] = mapped_column(sa.String(40))
    func: Mapped[str] = mapped_column(sa.String(200))
    args: Mapped[list] = mapped_column(sa.JSON, default=list)
    kwargs: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    state: Mapped[str] = mapped_column(sa.String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A job asked for with a key exists once: enqueue_unique_after_commit skips a key already here.
    key: Mapped[str | None] = mapped_column(sa.String(160))

    @property
    def rq_id(self) -> str:
        return rq_id(self.id)


def rq_id(outbox_id: int) -> str:
    """The RQ job id of an outbox row: pushing the same row twice names the same job."""
    return f"outbox-{outbox_id}"
