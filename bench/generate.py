"""The benchmark data, drawn deterministically: a Plan (people, organizations, and
per ticket its creation time, kind and number of messages), then chunks of
tickets with their messages, creation events and search documents.

No database here. A chunk depends only on the plan and its own seed, so chunks
can be drawn in parallel processes and still give the same database every time.
Rows come out either as tuples (for executemany) or as the text of a
PostgreSQL COPY, already escaped.
"""
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bench import corpus

END = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # "now" of the benchmark database
YEARS = 3
KINDS = ("incident", "request", "problem", "change")
KIND_WEIGHTS = (0.62, 0.28, 0.03, 0.07)
PREFIXES = {"incident": "INC", "request": "REQ", "problem": "PRB", "change": "CHG"}
# (impact, urgency) for P1 … P4, and how often each priority is drawn: most tickets are P3/P4.
LEVELS = {1: [(1, 1)], 2: [(1, 2), (2, 1)], 3: [(1, 3), (2, 2), (3, 1)], 4: [(2, 3), (3, 2), (3, 3)]}
PRIORITY_WEIGHTS = (0.02, 0.10, 0.48, 0.40)
OPEN_STATUSES = {
    "incident": ["new", "new", "open", "open", "pending"], "request": ["new", "new", "open", "open", "pending"],
    "problem": ["new", "investigating", "known_error"],
    "change": ["draft", "submitted", "assessment", "awaiting_approval", "approved", "scheduled", "implementing"],
}
THIRTY = 30  # some tickets have exactly this many messages: the ticket page bench opens one
THIRTY_RATE = 0.0005
MAX_OTHER = 29

TICKET_COLUMNS = (
    "id", "kind", "number", "title", "description", "status", "is_open", "impact", "urgency", "priority", "category",
    "affected_system", "organization_id", "requester_id", "created_by_id", "team_id", "assignee_id", "via", "major",
    "resolution_code", "resolution", "first_response_at", "resolved_at", "closed_at", "last_activity_at",
    "merged_into_id", "request_item_id", "request_data", "approval_status", "version", "created_at", "updated_at")
TIME_INDEXES = tuple(TICKET_COLUMNS.index(c) for c in (
    "first_response_at", "resolved_at", "closed_at", "last_activity_at", "created_at", "updated_at"))
MESSAGE_COLUMNS = ("ticket_id", "author_id", "internal", "body_html", "body_text", "via", "created_at")
EVENT_COLUMNS = ("id", "ticket_id", "actor_id", "field", "old_value", "new_value", "ticket_version", "created_at")


@dataclass
class People:
    """Who exists: organizations with their contacts and hosts, teams with their agents."""

    orgs: list[dict]
    org_weights: list[float]
    contacts: list[list[int]]  # per organization (index = org id - 1): user ids
    teams: list[tuple[str, float]]
    members: list[list[int]]  # per team (index = team id - 1): user ids
    staff: list[int]
    hosts: list[list[str]]  # per organization
    users: list[tuple] = field(default_factory=list)  # (id, email, name, role, org_id, job_title)
    team_members: list[tuple[int, int]] = field(default_factory=list)


def draw_people(seed: int, n_orgs: int = 300, n_clients: int = 5000, n_staff: int = 60) -> People:
    rng = random.Random(f"{seed}-people")
    orgs = corpus.organizations(rng, n_orgs)
    weights = [1.0 / (rank + 1) ** 0.8 for rank in range(n_orgs)]  # a few big clients, a long tail
    rng.shuffle(weights)
    users, contacts = [], [[] for _ in orgs]
    total = sum(weights)
    sizes = [max(2, round(n_clients * w / total)) for w in weights]
    while sum(sizes) > n_clients:  # trim the biggest until the count is exact
        sizes[sizes.index(max(sizes))] -= 1
    while sum(sizes) < n_clients:
        sizes[rng.randrange(n_orgs)] += 1
    uid = 0
    for index, (org, size) in enumerate(zip(orgs, sizes, strict=True)):
        for k in range(size):
            uid += 1
            role = "client_admin" if k == 0 else "client_user"
            users.append((uid, f"user{k + 1}@{org['slug']}.example", corpus.person(rng), role, index + 1,
                          rng.choice(corpus.JOB_TITLES)))
            contacts[index].append(uid)
    teams = corpus.TEAMS
    members: list[list[int]] = [[] for _ in teams]
    staff = []
    for k in range(n_staff):
        uid += 1
        role = "admin" if k == 0 else "manager" if k <= 4 else "agent"
        users.append((uid, f"agent{k + 1:02d}@provider.example", corpus.person(rng), role, None, "Engineer"))
        staff.append(uid)
        if role == "admin":
            continue
        home = k % len(teams)
        members[home].append(uid)
        if rng.random() < 0.3:  # some agents work two queues
            other = rng.randrange(len(teams))
            if other != home:
                members[other].append(uid)
    team_members = sorted((t + 1, u) for t, ids in enumerate(members) for u in ids)
    hosts = [corpus.hosts(rng, rng.randint(8, 40)) for _ in orgs]
    return People(orgs, weights, contacts, teams, members, staff, hosts, users, team_members)


@dataclass
class Plan:
    """Per ticket (index = id - 1): creation time (epoch seconds), kind index and message count."""

    created: list[int]
    kinds: list[int]
    counts: list[int]


def draw_plan(seed: int, n_tickets: int, n_messages: int) -> Plan:
    rng = random.Random(f"{seed}-plan")
    end = int(END.timestamp())
    span_days = YEARS * 365 + 1
    start_day = end // 86400 - span_days
    created = []
    for _ in range(n_tickets):
        x = -1 + (1 + 3 * rng.random()) ** 0.5  # volume grows to twice as much over the years
        day = start_day + int(x * span_days)
        second = int(21600 + rng.random() * 36000) if rng.random() < 0.7 else int(rng.random() * 86400)
        created.append(min(day * 86400 + second, end - 60))
    created.sort()
    kinds = rng.choices(range(len(KINDS)), weights=KIND_WEIGHTS, k=n_tickets)
    counts = _message_counts(rng, n_tickets, n_messages)
    return Plan(created, kinds, counts)


def _message_counts(rng: random.Random, n_tickets: int, n_messages: int) -> list[int]:
    thirty = [rng.random() < THIRTY_RATE for _ in range(n_tickets)]
    if n_tickets and not any(thirty) and n_messages >= THIRTY:
        thirty[n_tickets // 2] = True
    rest = n_messages - THIRTY * sum(thirty)
    others = n_tickets - sum(thirty)
    mean = max(rest / others, 0.01) if others else 1
    lam = 1 / (mean + 0.5)
    counts = [THIRTY if t else min(MAX_OTHER, int(rng.expovariate(lam))) for t in thirty]
    diff = n_messages - sum(counts)
    while diff:  # make the total exact, one message at a time, never touching the thirties
        i = rng.randrange(n_tickets)
        if thirty[i]:
            continue
        if diff > 0 and counts[i] < MAX_OTHER:
            counts[i] += 1
            diff -= 1
        elif diff < 0 and counts[i] > 0:
            counts[i] -= 1
            diff += 1
    return counts


# -- chunks ------------------------------------------------------------------------------------------------------

class TimeFormat:
    """Epoch seconds → the text the database stores: SQLite's "2026-01-02 03:04:05.000000" or
    a timestamptz literal "2026-01-02 03:04:05+00". Table lookups: no datetime per value."""

    def __init__(self, suffix: str):
        end_day = int(END.timestamp()) // 86400
        self.first_day = end_day - YEARS * 365 - 40
        epoch = datetime(1970, 1, 1, tzinfo=UTC)
        self.days = [(epoch + timedelta(days=d)).strftime("%Y-%m-%d ") for d in range(self.first_day, end_day + 400)]
        self.seconds = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}{suffix}" for s in range(86400)]

    def __call__(self, ts: int) -> str:
        return self.days[ts // 86400 - self.first_day] + self.seconds[ts % 86400]


def _copy_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


class Drawer:
    """Draws chunks of rows; one per worker process, built once from the seed and the people."""

    def __init__(self, seed: int, people: People, copy: bool):
        self.seed, self.people, self.copy = seed, people, copy
        self.end = int(END.timestamp())
        self.time = TimeFormat("+00" if copy else ".000000")
        pools = corpus.Pools(random.Random(f"{seed}-pools"))
        if copy:  # bodies are escaped once here, not once per message
            def esc(pool):
                return [(_copy_escape(h), _copy_escape(t), t) for h, t in pool]
        else:
            def esc(pool):
                return [(h, t, t) for h, t in pool]
        self.client, self.agent, self.note = esc(pools.client), esc(pools.agent), esc(pools.note)
        self.description = esc(pools.description)
        self.team_cum = _cumulative([w for _, w in people.teams])
        self.org_cum = _cumulative(people.org_weights)
        self.prio_cum = _cumulative(PRIORITY_WEIGHTS)

    def chunk(self, number: int, first_id: int, plan_slice: tuple, kind_offsets: dict, want_docs: bool):
        """Rows of tickets first_id … first_id + len - 1: (tickets, messages, events, docs)."""
        created_list, kinds, counts = plan_slice
        rng = random.Random(f"{self.seed}-chunk-{number}")
        next_number = dict(kind_offsets)
        tickets, messages, events, docs = [], [], [], []
        for offset, (created, kind_index, n_msgs) in enumerate(zip(created_list, kinds, counts, strict=True)):
            kind = KINDS[kind_index]
            next_number[kind] += 1
            row, msgs, doc = self._ticket(rng, first_id + offset, kind, f"{PREFIXES[kind]}-{next_number[kind]}",
                                          created, n_msgs, want_docs)
            tickets.append(row)
            if self.copy:
                messages.append(msgs)
            else:
                messages.extend(msgs)
            events.append(self._event(row, created))
            if doc is not None:
                docs.append(doc)
        if self.copy:
            return ("".join(tickets).encode(), "".join(messages).encode(), "".join(events).encode(), docs)
        return tickets, messages, events, docs

    def _ticket(self, rng, tid, kind, number, created, n_msgs, want_docs):
        people, fmt, r = self.people, self.time, rng.random
        age_days = (self.end - created) / 86400
        p_open = 0.75 if age_days < 2 else 0.5 if age_days < 7 else 0.15 if age_days < 30 else 0.05 if age_days < 90 else 0.03
        is_open = r() < p_open
        status = rng.choice(OPEN_STATUSES[kind]) if is_open else None
        team = 0 if status in ("new", "draft") and r() < 0.85 else _pick(self.team_cum, r())
        members = people.members[team]
        assignee = None if status in ("new", "draft") and r() < 0.8 else members[int(r() * len(members))]
        org = _pick(self.org_cum, r())
        contacts = people.contacts[org]
        requester = contacts[int(r() * len(contacts))]
        via = "web" if r() < 0.5 else "email" if r() < 0.8 else "phone" if r() < 0.5 else "api"
        creator = assignee or members[0] if via == "phone" else requester
        hosts = people.hosts[org]
        host = hosts[int(r() * len(hosts))]
        priority = _pick(self.prio_cum, r()) + 1
        impact, urgency = rng.choice(LEVELS[priority])
        titles = corpus.TITLES[kind]
        title = titles[int(r() * len(titles))].replace("{host}", host)
        d_html, _, d_text = self.description[int(r() * len(self.description))]
        d_html = d_html.replace("{host}", host)

        resolved = closed = None
        if is_open:  # still being worked on, or forgotten after a while
            horizon = min(self.end, created + 3600 + int(rng.expovariate(1 / (5 * 86400))))
        else:
            resolved = min(created + 600 + int(rng.expovariate(1 / (2.5 * 86400))), self.end - 30)
            horizon = resolved
            if kind == "change":
                status = "rejected" if r() < 0.1 else "closed"
                closed = resolved
            elif resolved + 7 * 86400 < self.end:
                status, closed = "closed", resolved + 7 * 86400
            else:
                status = "resolved"
        span = max(horizon - created, 60)
        times = sorted(created + 30 + int(r() * span) for _ in range(n_msgs))
        msgs, public, internal = [], [d_text.replace("{host}", host)], []
        first_response = None
        staff_pool = members
        for at in times:
            if r() < 0.25:
                author = assignee or staff_pool[int(r() * len(staff_pool))]
                body, is_internal, m_via = self.note[int(r() * len(self.note))], True, "web"
            elif r() < 0.45:
                author = requester
                body, is_internal, m_via = self.client[int(r() * len(self.client))], False, "email"
            else:
                author = assignee or staff_pool[int(r() * len(staff_pool))]
                body, is_internal, m_via = self.agent[int(r() * len(self.agent))], False, "web"
                if first_response is None:
                    first_response = at
            m_html, m_text, plain = body
            m_html, m_text = m_html.replace("{host}", host), m_text.replace("{host}", host)
            if want_docs:
                (internal if is_internal else public).append(plain.replace("{host}", host))
            msgs.append((tid, author, is_internal, m_html, m_text, m_via, at))
        last_activity = max(times[-1] if times else created, resolved or created)
        code = resolution = None
        if resolved is not None and kind in ("incident", "request"):
            code = corpus.RESOLUTION_CODES[int(r() * len(corpus.RESOLUTION_CODES))]
            resolution = corpus.RESOLUTIONS[int(r() * len(corpus.RESOLUTIONS))]
        elif resolved is not None:
            resolution = corpus.RESOLUTIONS[int(r() * len(corpus.RESOLUTIONS))]
        version = 1 + n_msgs + (0 if status in ("new", "draft") else 1 if is_open else 2)
        category = corpus.CATEGORIES[kind][int(r() * len(corpus.CATEGORIES[kind]))]
        major = priority == 1 and r() < 0.2
        values = [tid, kind, number, title, d_html, status, is_open, impact, urgency, priority, category, host,
                  org + 1, requester, creator, team + 1, assignee, via, major, code, resolution or "",
                  first_response, resolved, closed, last_activity, None, None, "{}", None, version, created,
                  last_activity]
        doc = (tid, title, "\n".join(public), "\n".join(internal)) if want_docs else None
        if self.copy:
            return self._copy_ticket(values), self._copy_messages(msgs), doc
        for k in TIME_INDEXES:
            values[k] = fmt(values[k]) if values[k] is not None else None
        rows = [(t, a, int(i), h, x, v, fmt(at)) for t, a, i, h, x, v, at in msgs]
        values[6], values[18] = int(is_open), int(major)
        return tuple(values), rows, doc

    def _copy_ticket(self, values) -> str:
        """One COPY line. The description comes escaped from its pool; no other text has specials."""
        for k in TIME_INDEXES:
            if values[k] is not None:
                values[k] = self.time(values[k])
        values[6], values[18] = "t" if values[6] else "f", "t" if values[18] else "f"
        return "\t".join("\\N" if v is None else str(v) for v in values) + "\n"

    def _copy_messages(self, msgs) -> str:
        fmt = self.time
        return "".join(f"{t}\t{a}\t{'t' if i else 'f'}\t{h}\t{x}\t{v}\t{fmt(at)}\n" for t, a, i, h, x, v, at in msgs)

    def _event(self, row, created):
        """The creation event: (id, ticket_id, actor_id, field, old, new, ticket_version, created_at)."""
        if self.copy:
            cols = row.split("\t", 15)
            return f"{cols[0]}\t{cols[0]}\t{cols[14]}\tcreated\t\\N\t{cols[2]}\t1\t{self.time(created)}\n"
        return (row[0], row[0], row[14], "created", None, row[2], 1, self.time(created))


def _cumulative(weights) -> list[float]:
    total, out, acc = sum(weights), [], 0.0
    for w in weights:
        acc += w / total
        out.append(acc)
    out[-1] = 1.0
    return out


def _pick(cumulative: list[float], u: float) -> int:
    lo, hi = 0, len(cumulative) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if cumulative[mid] < u:
            lo = mid + 1
        else:
            hi = mid
    return lo


def chunks(plan: Plan, size: int):
    """(number, first_id, plan slice, kind offsets) for each chunk of `size` tickets."""
    offsets = dict.fromkeys(KINDS, 0)
    for number, start in enumerate(range(0, len(plan.created), size)):
        stop = start + size
        piece = (plan.created[start:stop], plan.kinds[start:stop], plan.counts[start:stop])
        yield number, start + 1, piece, dict(offsets)
        for k in piece[1]:
            offsets[KINDS[k]] += 1


def sequences(plan: Plan) -> dict[str, int]:
    """The last number handed out per kind."""
    last = dict.fromkeys(KINDS, 0)
    for k in plan.kinds:
        last[KINDS[k]] += 1
    return last
