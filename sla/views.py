"""The SLA admin pages: working calendars (the week, dated rows, the holiday import, a week
preview and the deadline calculator) and policies (targets, pausing statuses, levels, who uses
them), and the managers' breach list. Admins change them; managers read them."""
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from flask import Blueprint, render_template, request, url_for
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import timeutil, validation
from app.auth import permissions
from app.forms import acted, answered, choices, submitted, timezone_groups
from app.i18n import labels
from app.orgs import queries as org_queries
from app.tickets import workspace
from app.tickets.workflow import STATUS_LABELS
from sla import queries, services
from sla.calendar import DAYS
from sla.forms import (
    ACTION_LABELS,
    DAY_LABELS,
    KIND_LABELS,
    PAUSE_LABELS,
    TARGET_LABELS,
    BreachFilterForm,
    CalculatorForm,
    CalendarForm,
    DayForm,
    ImportForm,
    PolicyForm,
    format_hours,
    parse_hours,
)
from sla.models import TARGETS
from sla.policy import DEFAULT_LEVELS, DEFAULT_PAUSE_STATUSES, pause_statuses
from sla.services import HOLIDAY_COUNTRIES

bp = Blueprint("sla", __name__)


@bp.before_request
@login_required
def require_manager():
    permissions.require(permissions.is_manager(current_user))


def _require_admin():
    permissions.require(permissions.is_admin(current_user))


def _labels() -> dict:
    return {"day_labels": labels(DAY_LABELS),
            "target_labels": labels(TARGET_LABELS),
            "action_labels": labels(ACTION_LABELS),
            "kind_labels": labels(KIND_LABELS),
            "pause_labels": labels(PAUSE_LABELS),
            "can_edit": permissions.is_admin(current_user), "format_hours": format_hours, "days": DAYS}


# -- calendars -----------------------------------------------------------------------------------

@bp.route("/calendars")
def calendars():
    found = queries.calendars()
    return render_template("sla/calendars.html", calendars=found,
                           used_by={c.id: queries.policies_using(c) for c in found}, **_labels())


def _calendar_form(calendar=None) -> CalendarForm:
    form = CalendarForm(obj=calendar)
    form.timezone.choices = timezone_groups(timeutil.timezone_choices())
    if request.method == "GET":
        weekly = calendar.weekly if calendar is not None else {
            day: [["09:00", "18:00"]] for day in DAYS[:5]}
        for day in DAYS:
            getattr(form, day).data = format_hours(weekly.get(day, []))
        if calendar is None:
            form.timezone.data = str(get_timezone())
    return form


@bp.route("/calendars/new", methods=["GET", "POST"])
def new_calendar():
    _require_admin()
    form = _calendar_form()
    done = submitted(form, lambda: services.save_calendar(current_user, None, name=form.name.data,
                                                          timezone=form.timezone.data, weekly=form.weekly()),
                     _("Calendar saved."), lambda calendar: url_for("sla.calendar", calendar_id=calendar.id))
    return done or render_template("sla/calendar_form.html", form=form, calendar=None, **_labels())


@bp.route("/calendars/<int:calendar_id>/edit", methods=["GET", "POST"])
def edit_calendar(calendar_id):
    _require_admin()
    calendar = queries.get_calendar(calendar_id)
    form = _calendar_form(calendar)
    done = submitted(form, lambda: services.save_calendar(current_user, calendar, name=form.name.data,
                                                          timezone=form.timezone.data, weekly=form.weekly()),
                     _("Calendar saved."), url_for("sla.calendar", calendar_id=calendar.id))
    return done or render_template("sla/calendar_form.html", form=form, calendar=calendar, **_labels())


def _week_of(value: str | None, zone) -> date:
    return _date(value) or timeutil.utcnow().astimezone(zone).date()


def _calendar_page(calendar, day_form=None, import_form=None):
    """The calendar's page: its week, a week preview, the calculator, its dated rows."""
    zone = queries.zone_of(calendar)
    week_day = _week_of(request.args.get("week"), zone)
    calculator = CalculatorForm(request.args if "minutes" in request.args else None)
    result = None
    if "minutes" in request.args and calculator.validate():
        start = calculator.start.data.replace(tzinfo=_viewer_zone())
        try:
            due = queries.deadline(calendar, start, calculator.minutes.data)
        except ValueError:
            calculator.minutes.errors = [_("This calendar has too little working time for that.")]
        else:
            result = {"start": start, "due": due, "minutes": calculator.minutes.data}
    elif "minutes" not in request.args:
        calculator.start.data = timeutil.utcnow().astimezone(_viewer_zone()).replace(tzinfo=None, second=0,
                                                                                   microsecond=0)
        calculator.minutes.data = 60
    if import_form is None:
        import_form = ImportForm(prefix="import")
        this = timeutil.utcnow().year
        import_form.first_year.data, import_form.last_year.data = this, this + 2
    territories = get_locale().territories
    import_form.country.choices = choices((c, f"{territories.get(c, c)} ({c})") for c in HOLIDAY_COUNTRIES)
    week = queries.week(calendar, week_day)
    monday = week[0]["day"]
    today = timeutil.utcnow().astimezone(zone).date()
    upcoming = [row for row in calendar.days if row.day >= today]
    return render_template(
        "sla/calendar.html", calendar=calendar, week=week, monday=monday,
        previous_week=(monday - timedelta(days=7)).isoformat(), next_week=(monday + timedelta(days=7)).isoformat(),
        calculator=calculator, result=result, day_form=day_form or DayForm(prefix="day"), import_form=import_form,
        used_by=queries.policies_using(calendar), viewer_zone=str(get_timezone()), upcoming_days=upcoming,
        past_days=len(calendar.days) - len(upcoming), **_labels())


@bp.route("/calendars/<int:calendar_id>")
def calendar(calendar_id):
    return _calendar_page(queries.get_calendar(calendar_id))


@bp.route("/calendars/<int:calendar_id>/days", methods=["POST"])
def add_day(calendar_id):
    _require_admin()
    calendar = queries.get_calendar(calendar_id)
    form = DayForm(prefix="day")
    return answered(form, lambda: services.set_day(current_user, calendar, form.day.data, kind=form.kind.data,
                                                  name=form.name.data or "", intervals=parse_hours(form.hours.data)),
                    _("Date saved."), url_for("sla.calendar", calendar_id=calendar.id, week=form.day.data.isoformat()
                                              if form.day.data else None),
                    lambda: _calendar_page(calendar, day_form=form))


@bp.route("/calendars/<int:calendar_id>/days/<day>/remove", methods=["POST"])
def remove_day(calendar_id, day):
    _require_admin()
    calendar = queries.get_calendar(calendar_id)
    parsed = _date(day)
    return acted(lambda: services.remove_day(current_user, calendar, parsed) if parsed else None,
                 _("Date removed."), url_for("sla.calendar", calendar_id=calendar.id))


@bp.route("/calendars/<int:calendar_id>/import", methods=["POST"])
def import_holidays(calendar_id):
    _require_admin()
    calendar = queries.get_calendar(calendar_id)
    form = ImportForm(prefix="import")
    form.country.choices = choices((c, c) for c in HOLIDAY_COUNTRIES)
    return answered(form, lambda: services.import_country_holidays(
        current_user, calendar, country=form.country.data, subdivision=form.subdivision.data,
        first_year=form.first_year.data, last_year=form.last_year.data),
        lambda counts: _("%(added)d holidays added (%(found)d found).", added=counts[0], found=counts[1]),
        url_for("sla.calendar", calendar_id=calendar.id), lambda: _calendar_page(calendar, import_form=form))


# -- policies ------------------------------------------------------------------------------------

@bp.route("/policies")
def policies():
    return render_template("sla/policies.html", policies=queries.policies(), pause_statuses=pause_statuses,
                           organizations=queries.organizations_by_policy(), targets=TARGETS, **_labels())


def _policy_form(policy=None) -> PolicyForm:
    form = PolicyForm(obj=policy)
    form.calendar.choices = choices((c.id, c.name) for c in queries.calendars())
    form.organizations.choices = choices((o.id, o.name) for o in org_queries.active_organizations())
    form.set_teams(org_queries.active_teams())
    if request.method == "GET":
        if policy is not None:
            form.fill(policy)
            form.calendar.data = policy.calendar_id
            form.kind.data = policy.kind or ""
            form.organizations.data = [o.id for o in queries.organizations_by_policy().get(policy.id, [])]
        else:
            form.pause_statuses.data = list(DEFAULT_PAUSE_STATUSES)
            for i, level in enumerate(DEFAULT_LEVELS):
                getattr(form, f"lv{i}_percent").data = level["percent"]
                getattr(form, f"lv{i}_action").data = level["action"]
    return form


def _save_policy(form, policy):
    return services.save_policy_with_organizations(
        current_user, policy, name=form.name.data, calendar=queries.calendar_or_none(form.calendar.data),
        kind=form.kind.data or None, targets=form.targets(), pause_statuses=form.pauses(),
        levels=form.levels(), is_default=form.is_default.data, active=form.active.data,
        mail_in_working_hours=form.mail_in_working_hours.data,
        organizations=org_queries.organizations_with_ids(current_user, form.organizations.data or []))


@bp.route("/policies/new", methods=["GET", "POST"])
def new_policy():
    _require_admin()
    form = _policy_form()
    done = submitted(form, lambda: _save_policy(form, None), _("Policy saved."), url_for("sla.policies"))
    return done or render_template("sla/policy_form.html", form=form, policy=None, **_labels())


@bp.route("/policies/<int:policy_id>", methods=["GET", "POST"])
def policy(policy_id):
    found = queries.get_policy(policy_id)
    if request.method == "POST":
        _require_admin()
    form = _policy_form(found)
    done = submitted(form, lambda: _save_policy(form, found), _("Policy saved."), url_for("sla.policies"))
    return done or render_template("sla/policy_form.html", form=form, policy=found, **_labels())


def _viewer_zone() -> ZoneInfo:
    return ZoneInfo(str(get_timezone()))


def _date(value: str | None) -> date | None:
    try:
        day = date.fromisoformat(value or "")
    except ValueError:
        return None
    return day if validation.date_ok(day) else None


@bp.app_template_filter("minutes_text")
def minutes_text(minutes) -> str:
    """Business minutes as people say them: 30 min, 4 h, 2 h 30 min."""
    minutes = int(round(float(minutes)))
    if minutes < 60:
        return _("%(minutes)d min", minutes=minutes)
    if minutes % 60 == 0:
        return _("%(h)d h", h=minutes // 60)
    return _("%(hours)d h %(minutes)02d min", hours=minutes // 60, minutes=minutes % 60)


# -- the managers' breach list -------------------------------------------------------------------

def _month(value: str | None, zone: ZoneInfo) -> date:
    try:
        found = date.fromisoformat(f"{value}-01") if value else None
    except ValueError:
        found = None
    if found is None or not validation.date_ok(found):
        today = timeutil.utcnow().astimezone(zone).date()
        found = today.replace(day=1)
    return found


@bp.route("/breaches")
def breaches():
    form = BreachFilterForm(request.args)
    form.organization.choices = workspace.organization_choices()
    form.team.choices = workspace.team_choices()
    form.validate()
    zone = _viewer_zone()
    month = _month(form.month.data, zone)
    form.month.data = month.strftime("%Y-%m")
    chosen = queries.BreachFilter(
        month=month, zone=str(zone), organization_id=validation.id_or_none(form.organization.data),
        team_id=validation.id_or_none(form.team.data),
        priority=form.priority.data if form.priority.data in (1, 2, 3, 4) else None,
        state=form.state.data if form.state.data in ("open", "past") else "")
    previous = (month - timedelta(days=1)).replace(day=1)
    following = (month + timedelta(days=32)).replace(day=1)
    args = {k: v for k, v in request.args.items() if k != "month"}
    return render_template("sla/breaches.html", form=form, month=month, rows=queries.breaches(chosen),
                           compliance=queries.compliance(chosen), limit=queries.BREACH_LIMIT,
                           previous_url=url_for("sla.breaches", month=previous.strftime("%Y-%m"), **args),
                           next_url=url_for("sla.breaches", month=following.strftime("%Y-%m"), **args),
                           status_labels=labels(STATUS_LABELS), **_labels())
