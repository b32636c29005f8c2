"""/admin/routing: the rules a new ticket is routed by, and the default team. Admins only."""
import sqlalchemy as sa
from flask import Blueprint, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from app.auth import permissions
from app.extensions import db
from app.forms import acted, submitted
from app.orgs import queries as org_queries
from app.portal import hints
from app.requests.models import RequestItem
from app.routing import queries, services
from app.routing.forms import ASSIGN_LABELS, CHANNEL_LABELS, DefaultTeamForm, RuleForm
from app.tickets import workspace
from app.tickets.workflow import KIND_LABELS
from cmdb.models import CIClass

bp = Blueprint("routing", __name__)


@bp.before_request
@login_required
@permissions.admin_required
def require_admin():
    pass


def _category_labels() -> dict[str, str]:
    return {c.key: c.label for c in hints.categories(str(get_locale()), include_hidden=True)}


def _catalog_items():
    return list(db.session.scalars(sa.select(RequestItem).order_by(RequestItem.name)))


def _ci_classes(rule=None):
    """The classes in use, and the rule's own even if it is no longer in use (so a save keeps it)."""
    return list(db.session.scalars(sa.select(CIClass).where(
        sa.or_(CIClass.active.is_(True), CIClass.id == (rule.ci_class_id if rule else None))).order_by(CIClass.name)))


def _rule_form(rule=None) -> RuleForm:
    form = RuleForm(obj=rule)
    any_ = SelectChoice("", _("Any"))
    form.organization_id.choices = [any_, *workspace.organization_choices(blank=False)]
    form.category.choices = [any_, *(SelectChoice(k, v) for k, v in _category_labels().items())]
    form.request_item_id.choices = [any_, *(SelectChoice(i.id, i.name) for i in _catalog_items())]
    form.ci_class_id.choices = [any_, *(SelectChoice(c.id, c.name) for c in _ci_classes(rule))]
    form.team_id.choices = [SelectChoice("", _("No team from this rule")), *workspace.team_choices(blank=False)]
    staff = workspace.staff_choices(blank=False)
    form.assignee_id.choices = [SelectChoice("", "—"), *staff]
    form.followers.choices = staff
    if rule is not None and request.method == "GET":
        form.followers.data = [f.id for f in rule.followers]
    return form


def _fields(form: RuleForm) -> dict:
    users = org_queries.members_with_ids([form.assignee_id.data] if form.assignee_id.data else [])
    return dict(
        name=form.name.data, active=form.active.data,
        organization=org_queries.organization_or_none(current_user, form.organization_id.data),
        kind=form.kind.data, category=form.category.data, priority=form.priority.data,
        request_item=db.session.get(RequestItem, form.request_item_id.data) if form.request_item_id.data else None,
        channel=form.channel.data, mailbox=form.mailbox.data,
        ci_class=db.session.get(CIClass, form.ci_class_id.data) if form.ci_class_id.data else None,
        team=org_queries.team_or_none(current_user, form.team_id.data),
        assign_mode=form.assign_mode.data, assignee=users[0] if users else None,
        priority_floor=form.priority_floor.data, followers=org_queries.members_with_ids(form.followers.data))


def _summary(rule, categories: dict) -> tuple[list[str], list[str]]:
    """A rule in words: its conditions and its actions, each label in the reader's language."""
    conditions = [rule.organization.name if rule.organization else None,
                  str(KIND_LABELS[rule.kind]) if rule.kind else None,
                  categories.get(rule.category, rule.category) if rule.category else None,
                  f"P{rule.priority}" if rule.priority else None,
                  rule.request_item.name if rule.request_item else None,
                  str(CHANNEL_LABELS.get(rule.channel, rule.channel)) if rule.channel else None,
                  _("a %(name)s CI", name=rule.ci_class.name) if rule.ci_class else None,
                  _("mail to %(mailbox)s", mailbox=rule.mailbox) if rule.mailbox else None]
    if rule.assign_mode == "agent" and rule.assignee is not None:
        assign = _("assign to %(name)s", name=rule.assignee.name)
    else:
        assign = str(ASSIGN_LABELS[rule.assign_mode]) if rule.assign_mode else None
    actions = [_("team %(name)s", name=rule.team.name) if rule.team else None, assign,
               _("priority at least P%(n)d", n=rule.priority_floor) if rule.priority_floor else None,
               _("followed by %(names)s", names=", ".join(f.name for f in rule.followers)) if rule.followers else None]
    return [c for c in conditions if c], [a for a in actions if a]


@bp.get("")
def index():
    default_form = DefaultTeamForm(data={"default_team_id": queries.default_team_id()})
    default_form.default_team_id.choices = [SelectChoice("", _("None")), *workspace.team_choices(blank=False)]
    rules, categories = queries.rules(), _category_labels()
    return render_template("routing/index.html", rules=rules, default_form=default_form,
                           summaries={rule.id: _summary(rule, categories) for rule in rules})


@bp.route("/new", methods=["GET", "POST"])
def create():
    form = _rule_form()
    done = submitted(form, lambda: services.save_rule(current_user, None, **_fields(form)),
                     lambda rule: _("Rule “%(name)s” added.", name=rule.name), url_for("routing.index"))
    return done or render_template("routing/form.html", form=form, rule=None)


@bp.route("/<int:rule_id>", methods=["GET", "POST"])
def edit(rule_id):
    rule = queries.get_rule(rule_id)
    form = _rule_form(rule)
    done = submitted(form, lambda: services.save_rule(current_user, rule, **_fields(form)),
                     _("Rule saved."), url_for("routing.index"))
    return done or render_template("routing/form.html", form=form, rule=rule)


@bp.post("/<int:rule_id>/<any(up, down):direction>")
def move(rule_id, direction):
    rule = queries.get_rule(rule_id)
    return acted(lambda: services.move_rule(current_user, rule, -1 if direction == "up" else 1), None,
                 url_for("routing.index"))


@bp.post("/default-team")
def default_team():
    form = DefaultTeamForm()
    form.default_team_id.choices = [SelectChoice("", _("None")), *workspace.team_choices(blank=False)]
    return acted(lambda: services.set_default_team(
        current_user, org_queries.team_or_none(current_user, form.default_team_id.data)),
        _("Default team saved."), url_for("routing.index"), form=form)
