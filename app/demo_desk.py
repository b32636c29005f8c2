"""Demo tickets, canned responses and catalog items for `flask seed-demo`, so
that a fresh `make run` shows a desk at work. Everything goes through the
services, like real work."""
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.auth.models import User
from app.auth.permissions import SHELL
from app.changes import services as changes
from app.changes.models import MaintenanceWindow
from app.extensions import db
from app.orgs import services as orgs
from app.orgs.models import Organization, Team
from app.problems import services as problems
from app.requests import catalog
from app.requests import services as requests
from app.requests.models import RequestItem
from app.tickets import canned, relations
from app.tickets import services as tickets
from app.tickets.models import CannedResponse, Ticket
from app.timeutil import utcnow
from app.uploads import Upload

KYIV = ZoneInfo("Europe/Kyiv")

CANNED = [
    ("Need more details", None, "Hello {requester},\n\nthank you for {ticket}. To look into it we need a bit more:"
     " the exact time it happened, the server name, and any error message you saw.\n\n— {agent}"),
    ("Reboot scheduled", "Infrastructure L2", "Hello {requester},\n\nwe will reboot the server for {ticket} tonight"
     " at 02:00 Kyiv time; expect about 5 minutes of downtime.\n\n— {agent}"),
    ("Send ping and traceroute", "Network", "Hello {requester},\n\nplease send the output of `ping -c 20` and"
     " `traceroute` (or `mtr -rwc 50`) from your side to the address that fails. — {agent}"),
]

CATALOG = [
    ("New virtual server", "Servers", "A VM in our Kyiv data centre.", False, "Infrastructure L2",
     "hostname | Server name | text | required | | e.g. web-03\n"
     "cores | CPU cores | number | required\nram | Memory, GB | number | required\n"
     "os | Operating system | choice | required | Debian 12, Ubuntu 24.04, Windows Server 2022\n"
     "needed_by | Needed by | date | optional"),
    ("Firewall rule", "Network", "Open or close a port on your perimeter firewall.", True, "Network",
     "source | Source address | text | required\ndestination | Destination address and port | text | required\n"
     "reason | Why | textarea | required"),
    ("SSL certificate", "Web", "A certificate for one of your domains.", False, "Service Desk L1",
     "domain | Domain | text | required | | e.g. shop.example.com"),
]

PING = b"""PING 10.20.0.5 (10.20.0.5) 56(84) bytes of data.
64 bytes from 10.20.0.5: icmp_seq=1 ttl=63 time=0.612 ms
Request timeout for icmp_seq 2
Request timeout for icmp_seq 3
64 bytes from 10.20.0.5: icmp_seq=4 ttl=63 time=48.3 ms
--- 10.20.0.5 ping statistics ---
4 packets transmitted, 2 received, 50% packet loss
"""


def _user(email):
    return db.session.scalar(sa.select(User).where(User.email == email))


def _team(name):
    return db.session.scalar(sa.select(Team).where(Team.name == name))


def _org(code):
    return db.session.scalar(sa.select(Organization).where(Organization.code == code))


def seed_desk() -> int:
    added = 0
    if not db.session.scalar(sa.select(sa.func.count()).select_from(CannedResponse)):
        for title, team, body in CANNED:
            canned.save(SHELL, None, title=title, body=body, team=_team(team) if team else None)
            added += 1
    admin = _user("admin@zayavka.example")
    for name, category, description, approval, team, fields in CATALOG:
        if _item(name) is None:
            requests.save_item(admin, None, name=name, category=category, description=description,
                               fields=catalog.parse_fields(fields), needs_approval=approval, team=_team(team))
            added += 1
    if not db.session.scalar(sa.select(sa.func.count()).select_from(Ticket)):
        added += _seed_tickets()
    if not db.session.scalar(sa.select(sa.func.count()).select_from(MaintenanceWindow)):
        added += _seed_changes()
    return added


def next_sunday(hour: int, now: datetime | None = None) -> datetime:
    """The coming Sunday (at least two days away) at ``hour``:00 Kyiv time, in UTC."""
    today = (now or utcnow()).astimezone(KYIV).date()
    sunday = today + timedelta(days=(6 - today.weekday()) % 7)
    if sunday - today < timedelta(days=2):
        sunday += timedelta(days=7)
    return datetime.combine(sunday, time(hour), tzinfo=KYIV).astimezone(UTC)


def _seed_changes() -> int:
    """Maintenance windows, a CAB team, standard-change templates, a known error, monitoring
    incidents waiting for their problem, and two changes: one scheduled, one at the CAB."""
    manager, admin = _user("manager@zayavka.example"), _user("admin@zayavka.example")
    taras, oksana, maria = (_user(f"{n}@zayavka.example") for n in ("taras", "oksana", "maria"))
    petro, sofia, iryna = (_user(e) for e in ("petro@dnipro-logistics.example", "sofia@kyivmedia.example",
                                             "iryna@lvivpharma.example"))
    dnipro, kyivmedia = _org("DNIPRO"), _org("KYIVMEDIA")
    for org, weekday, start, minutes in ((dnipro, 6, 2, 180), (kyivmedia, 5, 1, 180), (_org("LVIVPHARM"), 2, 22, 120)):
        changes.add_window(manager, org, weekday=weekday, start_time=time(start), duration_minutes=minutes)
    board = orgs.create_team(SHELL, name="Change Advisory Board", description="Approves normal and emergency changes.",
                             members=[admin, taras, oksana])
    changes.save_policy(manager, approvals_low=1, approvals_medium=2, approvals_high=2, cab_team=board)
    changes.save_template(manager, None, name="Restart a web server", title="Restart nginx on a web server",
                          implementation_plan="systemctl restart nginx; check the health endpoint.",
                          backout_plan="None needed: the old process is replaced only when the new one is healthy.",
                          client_summary="A web server restarts; the site may pause for a few seconds.")
    changes.save_template(manager, None, name="Renew a TLS certificate", title="Renew the TLS certificate",
                          implementation_plan="certbot renew --cert-name <domain>; reload nginx.",
                          backout_plan="The old certificate stays in place until the new one is installed.")

    wal = db.session.scalar(sa.select(Ticket).where(Ticket.title == "WAL archiving breaks after failover"))
    if wal is not None:
        problems.update_problem(maria, wal, root_cause="After a failover the new primary keeps the old archive_command.")
        problems.mark_known_error(maria, wal, "Run pg_archivecleanup on the archive, then reload PostgreSQL.")
    for who, title, system in ((petro, "No monitoring graphs for db-03 since 03:00", "db-03"),
                               (sofia, "Grafana dashboards are empty", "web-02"),
                               (iryna, "Monitoring alerts stopped coming", "lims-01")):
        tickets.create_ticket(who, kind="incident", title=title, category="monitoring", affected_system=system,
                              description="Since the night the graphs show no data.")

    upgrade = changes.create_change(taras, organization=dnipro, title="Upgrade PostgreSQL to 16.4 on db-03",
                                    description="Minor upgrade with the security fixes of November.", risk="medium",
                                    planned_start=next_sunday(2), planned_end=next_sunday(4), team=_team("Infrastructure L2"),
                                    implementation_plan="Stop the replica, upgrade packages, restart; then the primary.",
                                    backout_plan="Downgrade the packages from the local mirror.",
                                    test_plan="Application health checks and a test order.",
                                    client_summary="PostgreSQL upgrade on your database servers: orders pause up to 10 min.")
    firmware = changes.create_change(oksana, organization=kyivmedia, title="Core switch firmware 9.3.12",
                                     risk="high", planned_start=next_sunday(3) - timedelta(days=1),
                                     planned_end=next_sunday(5) - timedelta(days=1), team=_team("Network"),
                                     implementation_plan="Upgrade the standby switch, fail over, upgrade the other.",
                                     backout_plan="Boot the previous image from flash.",
                                     client_summary="Network maintenance: short interruptions of your site.")
    for change in (upgrade, firmware):
        for status in ("submitted", "assessment", "awaiting_approval"):
            tickets.transition(change.created_by, change, status)
    changes.decide(admin, upgrade, "approve", "Tested on staging last week.")
    changes.decide(oksana, upgrade, "approve", "No network impact.")
    tickets.transition(taras, upgrade, "scheduled")
    return 12


def _seed_tickets() -> int:
    ivan, maria, taras, oksana = (_user(f"{n}@zayavka.example") for n in ("ivan", "maria", "taras", "oksana"))
    anna, petro = _user("anna@dnipro-logistics.example"), _user("petro@dnipro-logistics.example")
    roman, iryna = _user("roman@lvivpharma.example"), _user("iryna@lvivpharma.example")
    dmytro, sofia = _user("dmytro@kyivmedia.example"), _user("sofia@kyivmedia.example")
    l1, l2, net = _team("Service Desk L1"), _team("Infrastructure L2"), _team("Network")

    outage = tickets.create_ticket(oksana, kind="incident", title="Packet loss on the Kyiv core uplink",
                                   description="Monitoring shows 30–50% loss on uplink-kbp-1 since 09:40.",
                                   organization=_org("KYIVMEDIA"), impact=1, urgency=1, team=net, assignee=oksana,
                                   major=True, category="network", affected_system="uplink-kbp-1")
    child = tickets.create_ticket(sofia, kind="incident", title="kyivmedia.example loads very slowly",
                                  description="Our news site takes 20 seconds to open since this morning.",
                                  impact=2, urgency=1, uploads=[Upload("ping-from-office.txt", PING)],
                                  affected_system="web-02")
    relations.link(oksana, child, outage, "child_of")
    tickets.reply(oksana, child, "We see it too: a major incident on our uplink. Updates every 30 minutes.")

    disk = tickets.create_ticket(petro, kind="incident", title="Disk almost full on db-03",
                                 description="`df -h` shows /var at 97%.\n\n    /dev/sdb1  200G  194G  6.0G  97% /var",
                                 impact=2, urgency=2, affected_system="db-03")
    tickets.assign(ivan, disk, team=l2, assignee=taras)
    tickets.add_note(taras, disk, "PostgreSQL WAL archive is not being cleaned: archive_command fails since Friday.")
    tickets.reply(taras, disk, "We found old WAL files that were not cleaned up; freeing space now.")
    relations.log_time(taras, disk, minutes=40, note="Investigated WAL archive")

    vpn = tickets.create_ticket(iryna, kind="incident", title="VPN to the lab drops every hour",
                                description="The site-to-site VPN to the Lviv lab reconnects every ~60 minutes.",
                                impact=2, urgency=3, affected_system="fw-lviv-1")
    tickets.assign(ivan, vpn, team=net)
    tickets.transition(oksana, vpn, "pending")
    tickets.reply(oksana, vpn, "Could you send the firewall log around the last drop?")

    mail = tickets.create_ticket(anna, kind="incident", title="Mail to gmail.com bounces",
                                 description="Since yesterday our mail to Gmail bounces with 550 5.7.26.",
                                 impact=2, urgency=2, affected_system="mx-01")
    tickets.assign(ivan, mail, team=l1, assignee=ivan)
    tickets.reply(ivan, mail, "The SPF record is missing your new relay; we added it. Please try again.")
    tickets.transition(ivan, mail, "resolved", resolution_code="configuration", resolution="Added the relay to SPF.")
    tickets.create_ticket(petro, kind="incident", title="Gmail rejects our mails",
                                description="Bounce 550 5.7.26 for every message to Gmail.")
    tickets.create_ticket(roman, kind="incident", title="Backup job failed on fs-01",
                          description="The nightly backup reported 'snapshot failed'.", impact=2, urgency=2,
                          affected_system="fs-01")
    tickets.create_ticket(dmytro, kind="incident", title="Need access logs for last week",
                          description="Please export nginx access logs of web-01 for 18–24 November.",
                          urgency=3, affected_system="web-01")
    problem = tickets.create_ticket(maria, kind="problem", title="WAL archiving breaks after failover",
                                    description="Three times this quarter: archive_command fails after a failover.",
                                    organization=_org("DNIPRO"), team=l2)
    relations.link(maria, disk, problem, "caused_by")
    server = requests.order(anna, _item("New virtual server"),
                            values={"Server name": "app-04", "CPU cores": "4", "Memory, GB": "16",
                                    "Operating system": "Debian 12"})
    requests.order(iryna, _item("Firewall rule"),
                   values={"Source address": "10.8.0.0/24", "Destination address and port": "10.20.0.5:5432",
                           "Why": "Lab analytics needs the database."})
    tickets.assign(ivan, server, team=l2)
    tickets.reply(taras, server, "We ordered two more hypervisor licences for app-04 from the vendor; "
                                 "the server is built as soon as they arrive.")
    tickets.transition(taras, server, "third_party")  # the Standard policy's clock keeps running meanwhile
    return 12


def _item(name):
    return db.session.scalar(sa.select(RequestItem).where(RequestItem.name == name))
