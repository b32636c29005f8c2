"""The CMDB's tables: CI classes, CIs, relation types, relations (A depends on B), redundancy
groups, the change history, ticket ↔ CI links and the version counter the graph cache keys on.

A CI's organization is a client, or NULL for the provider's shared infrastructure (a core
switch, a storage array, a hypervisor farm). Nothing is deleted: a CI is retired."""
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.timeutil import TimestampMixin, UTCDateTime, utcnow


class CIClass(TimestampMixin, db.Model):
    """A kind of CI and the schema of its own attributes: ``{name: {"type": t, "choices": [...]}}``."""

    __tablename__ = "cmdb_classes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    group: Mapped[str] = mapped_column(sa.String(20))
    schema: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    active: Mapped[bool] = mapped_column(default=True)


class CI(TimestampMixin, db.Model):
    __tablename__ = "cmdb_cis"
    __table_args__ = (sa.Index("ix_cmdb_cis_org_name", "organization_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(sa.ForeignKey("cmdb_classes.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    organization_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organizations.id"))
    status: Mapped[str] = mapped_column(sa.String(20), default="in_production")
    hostname: Mapped[str] = mapped_column(sa.String(255), default="", index=True)
    ip_addresses: Mapped[str] = mapped_column(sa.String(500), default="")
    serial: Mapped[str] = mapped_column(sa.String(100), default="")
    asset_tag: Mapped[str] = mapped_column(sa.String(100), default="")
    location: Mapped[str] = mapped_column(sa.String(200), default="")
    warranty_end: Mapped[date | None] = mapped_column(sa.Date)
    support_contract: Mapped[str] = mapped_column(sa.String(200), default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    attributes: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    ci_class = relationship(CIClass, lazy="joined")
    organization = relationship("Organization")

    def __repr__(self) -> str:
        return f"<CI {self.id} {self.name}>"


class RelationType(db.Model):
    __tablename__ = "cmdb_relation_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    label: Mapped[str] = mapped_column(sa.String(80))
    inverse_label: Mapped[str] = mapped_column(sa.String(80))
    default_impact: Mapped[str] = mapped_column(sa.String(10), default="full")


class Relation(TimestampMixin, db.Model):
    """``source`` depends on ``target``; ``impact`` overrides the type's default; ``group_key``
    makes it a member of one of the source's redundancy groups."""

    __tablename__ = "cmdb_relations"
    __table_args__ = (sa.UniqueConstraint("source_id", "target_id", "type_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(sa.ForeignKey("cmdb_cis.id"), index=True)
    target_id: Mapped[int] = mapped_column(sa.ForeignKey("cmdb_cis.id"), index=True)
    type_id: Mapped[int] = mapped_column(sa.ForeignKey("cmdb_relation_types.id"))
    impact: Mapped[str | None] = mapped_column(sa.String(10))
    group_key: Mapped[str | None] = mapped_column(sa.String(40))

    source = relationship(CI, foreign_keys=[source_id])
    target = relationship(CI, foreign_keys=[target_id])
    type = relationship(RelationType, lazy="joined")

    @property
    def effective_impact(self) -> str:
        return self.impact or self.type.default_impact


class RedundancyGroup(TimestampMixin, db.Model):
    """How many of ``owner``'s dependencies in group ``key`` must stay up: a count or a percentage."""

    __tablename__ = "cmdb_groups"
    __table_args__ = (sa.UniqueConstraint("owner_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("cmdb_cis.id"), index=True)
    key: Mapped[str] = mapped_column(sa.String(40))
    min_up: Mapped[int | None] = mapped_column()
    min_up_pct: Mapped[int | None] = mapped_column()

    owner = relationship(CI)

    @property
    def spec(self) -> dict:
        return {"min_up": self.min_up} if self.min_up is not None else {"min_up_pct": self.min_up_pct}


class CIChange(db.Model):
    """One written field of a CI, or of a relation or group that hangs on it: who, when, old → new."""

    __tablename__ = "cmdb_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    ci_id: Mapped[int] = mapped_column(sa.ForeignKey("cmdb_cis.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    field: Mapped[str] = mapped_column(sa.String(80))
    old: Mapped[str | None] = mapped_column(sa.Text)
    new: Mapped[str | None] = mapped_column(sa.Text)

    actor = relationship("User")


class TicketCI(db.Model):
    """A ticket's CI: ``manual`` (someone linked it), ``computed`` (impact analysis), ``not_impacted``."""

    __tablename__ = "cmdb_ticket_cis"

    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), primary_key=True)
    ci_id: Mapped[int] = mapped_column(sa.ForeignKey("cmdb_cis.id"), primary_key=True, index=True)
    impact: Mapped[str] = mapped_column(sa.String(20), default="manual")
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    ci = relationship(CI)
    ticket = relationship("Ticket")


class CMDBVersion(db.Model):
    """One row: bumped by every CI, relation or group write; the graph cache keys on it."""

    __tablename__ = "cmdb_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class ChangeImpact(db.Model):
    """The impact of a change's CIs as it was when the change was submitted (to the CAB): the CIs,
    the impacted services and CIs, and the client organizations, by name — a record that does not
    move when the graph changes later. One per change; a new submission records it again."""

    __tablename__ = "cmdb_change_impacts"

    ticket_id: Mapped[int] = mapped_column(sa.ForeignKey("tickets.id"), primary_key=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(sa.String(30))
    snapshot: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    actor = relationship("User")


class ImportRun(TimestampMixin, db.Model):
    """A large import run as a job (cmdb/transfer.start_import): the file until it has run, then
    how it ended — the counts, or the rows' errors. Its progress lives in app/jobs/progress."""

    __tablename__ = "cmdb_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(sa.String(255))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    dry_run: Mapped[bool] = mapped_column(default=True)
    state: Mapped[str] = mapped_column(sa.String(10), default="queued")  # queued, running, done, failed
    rows: Mapped[int] = mapped_column(default=0)
    counts: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    errors: Mapped[list] = mapped_column(sa.JSON, default=list)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    actor = relationship("User")
