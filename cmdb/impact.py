"""Impact analysis over the CMDB graph. PURE: a networkx graph in, plain data out.

The graph is a ``networkx.DiGraph`` or ``MultiDiGraph``; an edge ``u → v`` means *u depends on v*.

Edge attributes
    ``impact``  "full" (the default), "degraded" or "none": how much of v's trouble reaches u.
    ``group``   absent, or a redundancy group key of u: the edge is then a *member* of that group.

Node attribute
    ``redundancy``  ``{group_key: {"min_up": k}}`` or ``{group_key: {"min_up_pct": p}}``.

The rules (states are ok < degraded < down):

* An edge passes its dependency's state capped by its impact: a "full" edge passes it as is, a
  "degraded" edge passes at most "degraded" (a backup target), a "none" edge passes nothing
  (monitoring).
* Inside a group the same cap applies to each member, so a member counts as *down* only when it is
  reached through a "full" edge; a "degraded" member counts at most as degraded and a "none" member
  never fails, though both still count in N.
* A group of N members of which d are down is down when N − d < min_up (for a percentage: when
  (N − d)·100 < min_up_pct·N), else degraded when any member is down or degraded, else ok.
  A group key with no spec in ``redundancy`` means every member must be up (min_up = N); a min_up
  larger than N is read as N (``check_group`` refuses it at the door).
* A node's state is the maximum of its own input state, of what each ungrouped edge passes and of
  each of its groups' states. Parallel edges of a MultiDiGraph are separate edges (two members of
  a group when grouped). Self-loops are ignored (``check_edge`` refuses them).
* Excluded CIs are pinned to ok: they are never impacted and pass nothing on, even if failed.
* States are the *least fixpoint*: propagation starts from the failed inputs and states only rise,
  so cycles terminate and a cycle with no failed input feeding it stays ok. The walk is an
  iterative worklist over reverse edges (predecessors): it only visits ancestors of the failed
  set, and has no depth limit.
"""
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field

OK, DEGRADED, DOWN = 0, 1, 2
STATE_NAMES = ("ok", "degraded", "down")
_STATE_OF_NAME = {"degraded": DEGRADED, "down": DOWN}
_IMPACT_CAP = {"full": DOWN, "degraded": DEGRADED, "none": OK}


# ---------------------------------------------------------------- validation (for the services)

def check_group(members_count, spec):
    """Refuse a redundancy spec that cannot describe a group of ``members_count`` members.

    ``spec`` is ``{"min_up": k}`` with 1 ≤ k ≤ members_count, or ``{"min_up_pct": p}`` with
    1 ≤ p ≤ 100. Raises ValueError with the reason."""
    if members_count < 1:
        raise ValueError("a redundancy group needs at least one member")
    if not isinstance(spec, Mapping) or len(spec) != 1 or not set(spec) <= {"min_up", "min_up_pct"}:
        raise ValueError('a redundancy spec is {"min_up": k} or {"min_up_pct": p}')
    (key, value), = spec.items()
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{key} must be a number")
    if key == "min_up":
        if value != int(value) or value < 1:
            raise ValueError("min_up must be a whole number of at least 1")
        if value > members_count:
            raise ValueError(f"min_up {value} is larger than the group ({members_count} members)")
    elif not 1 <= value <= 100:
        raise ValueError("min_up_pct must be between 1 and 100")


def check_edge(source, target, impact="full"):
    """Refuse a relation the analysis cannot use: a self-loop or an unknown impact."""
    if source == target:
        raise ValueError("a CI cannot depend on itself")
    if impact not in _IMPACT_CAP:
        raise ValueError(f"impact must be one of {', '.join(_IMPACT_CAP)}")


def must_fail(members_count, spec):
    """The smallest number of down members that breaks a group (None: no number breaks it)."""
    return next((d for d in range(members_count + 1) if _broken(members_count, d, spec)), None)


def _broken(n, d, spec):
    """Is a group of n members with d down broken? No spec: every member must be up."""
    if spec and "min_up_pct" in spec:
        return (n - d) * 100 < min(spec["min_up_pct"], 100) * n
    min_up = min(spec["min_up"], n) if spec else n
    return n - d < min_up


# ---------------------------------------------------------------- propagation

def _edges(graph, node):
    """(dependency, edge attributes) for each out-edge of ``node``, parallel edges included.

    Here and in ``_Propagation`` we read networkx's own adjacency dicts (``_succ``, ``_pred``):
    its public views go through ``collections.abc`` on every item (a sixth of a big failure's time)."""
    if graph.is_multigraph():
        for dependency, keyed in graph._succ[node].items():
            for attrs in keyed.values():
                yield dependency, attrs
    else:
        yield from graph._succ[node].items()


def _cap(attrs):
    """The most of a dependency's state that this edge passes on."""
    cap = _IMPACT_CAP.get(attrs.get("impact", "full"))
    if cap is None:
        raise ValueError(f"unknown impact {attrs['impact']!r} on a relation")
    return cap


class _Propagation:
    """One least-fixpoint run: a worklist of CIs whose state rose, walked up the reverse edges.

    Each CI's dependents are told of its rise from the state they last heard to its state now
    (so a CI that rose twice before its turn is told once; rises to "down" go first, which lets
    many CIs go straight to down). A rise to some state is not told to dependents already at that
    state: it cannot lift them, and an edge's change is reckoned from the states its dependency was
    told at, so a later rise to down still counts in full. A dependent keeps a tally of what its
    edges pass, updated edge by edge, so it is never re-read whole:

    ``base``     node -> the worst of its input state and of its ungrouped edges so far,
                 with the dependency to blame in ``blame``;
    ``trouble``  node -> {group key: [members, down, worst member state, that member]}, for the
                 groups with a member in trouble (members are counted once, on the first).

    The tallies are plain dicts of ints and ids, not an object per CI: a big failure touches
    thousands of CIs, and fewer container objects mean fewer garbage-collector passes.
    ``within`` (a set) restricts the walk to those nodes; it must hold every dependency of its
    members for their states to be exact (a set closed under dependencies does)."""

    def __init__(self, graph, inputs, excluded=frozenset(), within=None):
        self.graph, self.excluded, self.within = graph, excluded, within
        self.state, self.reason = {}, {}
        self.base, self.blame, self.trouble = {}, {}, {}
        self._run(inputs)

    def _run(self, inputs):
        graph, state, reason, base, blame = self.graph, self.state, self.reason, self.base, self.blame
        excluded, within, multi = self.excluded, self.within, graph.is_multigraph()
        told, queues = {}, {DOWN: deque(), DEGRADED: deque()}
        for node, rise in inputs.items():
            if node not in excluded:
                state[node] = base[node] = rise
                queues[rise].append(node)
        while queues[DOWN] or queues[DEGRADED]:
            node = (queues[DOWN] or queues[DEGRADED]).popleft()
            old, new = told.get(node, OK), state[node]
            if new == old or node not in graph._pred:
                continue
            told[node] = new
            for dependent, edge in graph._pred[node].items():
                if dependent == node or dependent in excluded or (within is not None and dependent not in within):
                    continue
                if state.get(dependent, OK) >= new:
                    continue
                for attrs in (edge.values() if multi else (edge,)):
                    # this edge passed min(old, cap) and now passes min(new, cap)
                    cap = _IMPACT_CAP.get(attrs.get("impact", "full"))
                    if cap is None:
                        cap = _cap(attrs)   # raises: an unknown impact
                    passed = new if new < cap else cap
                    if passed == (old if old < cap else cap):
                        continue
                    key = attrs.get("group")
                    if key is not None:
                        self._member_rose(dependent, key, node, passed)
                    elif passed > base.get(dependent, OK):
                        base[dependent], blame[dependent] = passed, node
                if dependent in self.trouble:
                    now, why = self._state_of(dependent)
                else:
                    now, why = base.get(dependent, OK), blame.get(dependent)
                if now > state.get(dependent, OK):
                    state[dependent], reason[dependent] = now, why
                    queues[now].append(dependent)

    def _member_rose(self, node, key, member, passed):
        """A member of ``node``'s group ``key`` now passes ``passed`` (it passed less before)."""
        groups = self.trouble.setdefault(node, {})
        tally = groups.get(key)
        if tally is None:
            members = sum(1 for d, a in _edges(self.graph, node) if a.get("group") == key and d != node)
            tally = groups[key] = [members, 0, OK, None]
        if passed == DOWN:
            tally[1] += 1
        if passed > tally[2]:
            tally[2], tally[3] = passed, member

    def _state_of(self, node):
        """(state, dependency to blame, or None when it is the node's own input)."""
        best, why = self.base.get(node, OK), self.blame.get(node)
        groups = self.trouble.get(node)
        if groups:
            specs = self.graph._node[node].get("redundancy") or {}
            for key, (n, down, worst, member) in groups.items():
                if worst > best:
                    group_state = DOWN if down and _broken(n, down, specs.get(key)) else DEGRADED
                    if group_state > best:
                        best, why = group_state, member
        return best, why


def _parse_failed(failed):
    if isinstance(failed, str | bytes):
        raise TypeError("failed is an iterable of CI ids or a mapping id -> state, not one string")
    if isinstance(failed, Mapping):
        try:
            return {node: _STATE_OF_NAME[name] for node, name in failed.items()}
        except KeyError as error:
            raise ValueError(f"a failed CI's state is 'down' or 'degraded', not {error.args[0]!r}") from None
    return dict.fromkeys(failed, DOWN)


@dataclass
class Impact:
    """What a failure does. ``states`` maps every CI that is not ok (failed inputs included) to
    "down" or "degraded"; ``down`` and ``degraded`` are the impacted CIs, failed inputs left out."""
    failed: dict
    states: dict
    _reason: dict = field(repr=False)

    @property
    def down(self):
        return {node for node, name in self.states.items() if name == "down" and node not in self.failed}

    @property
    def degraded(self):
        return {node for node, name in self.states.items() if name == "degraded" and node not in self.failed}

    def path(self, ci):
        """One chain [ci, ..., failed input] explaining ci's state; [] when ci is unaffected.

        Each step is the dependency that raised the state last; the chain is finite because a
        CI's blamed dependency had at least its state, and got it earlier."""
        if ci not in self.states:
            return []
        chain = [ci]
        while chain[-1] in self._reason:
            chain.append(self._reason[chain[-1]])
        return chain


def downstream(graph, failed, excluded=()):
    """The CIs impacted when ``failed`` fail: an iterable of CI ids (all down) or a mapping
    id -> "down" / "degraded". ``excluded`` CIs are pinned to ok and stop propagation.
    CIs absent from the graph may be failed: they have no dependents."""
    inputs = _parse_failed(failed)
    excluded = frozenset(excluded)
    run = _Propagation(graph, inputs, excluded)
    return Impact(
        failed={node: STATE_NAMES[s] for node, s in inputs.items() if node not in excluded},
        states={node: STATE_NAMES[s] for node, s in run.state.items()},
        _reason=run.reason,
    )


# ---------------------------------------------------------------- root causes and weak points

def _dependencies(graph, starts):
    """Every CI the ``starts`` transitively depend on through edges that carry impact
    (not through "none" edges, which cannot pass a failure), ``starts`` not included."""
    seen, stack = set(), [node for node in starts if node in graph]
    while stack:
        node = stack.pop()
        for dependency, attrs in _edges(graph, node):
            if dependency not in seen and dependency != node and _cap(attrs) != OK:
                seen.add(dependency)
                stack.append(dependency)
    return seen - set(starts)


def _lone_failures(graph, candidates, within):
    """candidate -> {node: state} when that candidate alone fails, walking only ``within``."""
    for candidate in candidates:
        yield candidate, _Propagation(graph, {candidate: DOWN}, within=within).state


@dataclass(frozen=True)
class JointGroup:
    """A redundancy group on the way: ``must_fail`` of its ``members`` must fail together to break
    it (None when no number of member failures can, e.g. all its members are "degraded" edges)."""
    owner: object
    group: object
    members: tuple
    must_fail: int | None


@dataclass
class RootCause:
    """Root-cause candidates for CIs observed down (see ``upstream``)."""
    candidates: set
    explains: dict
    best: set
    degrade_only: set
    joint_groups: list


def _groups_of(graph, owners):
    for owner in owners:
        if owner not in graph:
            continue
        members = {}
        for dependency, attrs in _edges(graph, owner):
            key = attrs.get("group")
            if key is not None and dependency != owner:
                members.setdefault(key, []).append((dependency, _cap(attrs)))
        specs = graph.nodes[owner].get("redundancy") or {}
        for key, listed in members.items():
            # Only "full" members can count as down: the others never help break the group.
            breakable = sum(1 for _, cap in listed if cap == DOWN)
            needed = must_fail(len(listed), specs.get(key))
            yield JointGroup(owner, key, tuple(member for member, _ in listed),
                             needed if needed is not None and needed <= breakable else None)


def upstream(graph, incident_cis):
    """Root-cause candidates for ``incident_cis`` observed down.

    ``candidates``   every CI the incident CIs transitively depend on (through edges that carry
                     impact), the incident CIs themselves excluded;
    ``explains``     candidate -> the incident CIs that go down when that candidate alone fails;
    ``best``         the candidates that explain the most incident CIs (empty when none explains any);
    ``degrade_only`` candidates whose lone failure downs no incident CI but degrades at least one;
    ``joint_groups`` the redundancy groups owned by incident CIs or candidates, with ``must_fail``:
                     where no single failure explains the incident, look for joint failures there.

    Each candidate's failure is simulated only on the descendants of the incident CIs (the rest of
    the graph cannot reach them), and only its own ancestors there are visited."""
    incidents = set(incident_cis)
    candidates = _dependencies(graph, incidents)
    within = candidates | incidents
    explains, degrade_only = {}, set()
    for candidate, states in _lone_failures(graph, candidates, within):
        explains[candidate] = {ci for ci in incidents if states.get(ci) == DOWN}
        if not explains[candidate] and any(states.get(ci) == DEGRADED for ci in incidents):
            degrade_only.add(candidate)
    most = max((len(cis) for cis in explains.values()), default=0)
    best = {candidate for candidate, cis in explains.items() if most and len(cis) == most}
    joint = list(_groups_of(graph, sorted(within, key=repr)))
    return RootCause(candidates, explains, best, degrade_only, joint)


def spofs(graph, service):
    """The single points of failure of ``service``: the CIs whose lone failure takes it down.
    Only the service's dependencies are tried, each on the service's descendants alone."""
    dependencies = _dependencies(graph, [service])
    within = dependencies | {service}
    return {ci for ci, states in _lone_failures(graph, dependencies, within) if states.get(service) == DOWN}


# ---------------------------------------------------------------- changes and incidents side by side

def _dependents(graph, starts):
    """Every CI that transitively depends on the ``starts`` through edges that carry impact."""
    seen, stack = set(), [node for node in starts if node in graph]
    while stack:
        node = stack.pop()
        if graph.is_multigraph():
            pairs = ((dependent, attrs) for dependent, keyed in graph._pred[node].items() for attrs in keyed.values())
        else:
            pairs = graph._pred[node].items()
        for dependent, attrs in pairs:
            if dependent not in seen and dependent != node and _cap(attrs) != OK:
                seen.add(dependent)
                stack.append(dependent)
    return seen - set(starts)


def dependencies(graph, cis):
    """Every CI the ``cis`` transitively depend on through edges that carry impact (not themselves)."""
    return _dependencies(graph, cis)


def direct_dependencies(graph, ci):
    """The CIs ``ci`` depends on directly through edges that carry impact."""
    if ci not in graph:
        return set()
    return {dependency for dependency, attrs in _edges(graph, ci) if dependency != ci and _cap(attrs) != OK}


def reach(graph, cis):
    """The CIs on one dependency chain with ``cis``: themselves, what they transitively depend on
    and what transitively depends on them (through edges that carry impact). Two changes whose
    windows overlap conflict when one's CIs lie in the other's reach."""
    cis = set(cis)
    return frozenset(cis | _dependencies(graph, cis) | _dependents(graph, cis))


def ci_conflict(a_cis, a_reach, b_cis, b_reach) -> bool:
    """Whether two sets of CIs touch: one shares a CI with, or depends (either way) on, the other."""
    return bool(set(a_cis) & b_reach or set(b_cis) & a_reach)


@dataclass(frozen=True)
class RankedCause:
    """A root-cause candidate with the incidents it would explain alone (their CIs go down when it
    fails), the incidents that depend on it at all (or are linked to it), and whether it is one of
    the incidents' own CIs (observed, not only inferred)."""
    ci: object
    explains: frozenset
    under: frozenset
    observed: bool


def rank_causes(graph, incidents, focus=None):
    """Root-cause help: ``incidents`` maps an incident (any key) to the CIs it is linked to. Every
    CI they depend on — and each incident CI another incident depends on — ranked: the most
    incidents explained first, then the most incidents on it at all (the CI common to most
    incidents), an observed CI before an inferred one, then by id. A candidate that explains no
    incident and is under only one is left out: it says nothing the incident does not."""
    incidents = {key: set(cis) for key, cis in incidents.items() if cis}
    every = set().union(*incidents.values()) if incidents else set()
    if not every:
        return []
    below = {key: _dependencies(graph, cis) for key, cis in incidents.items()}
    candidates = set().union(*below.values()) | every
    within = candidates | every
    if focus is not None:
        candidates = below.get(focus, set()) | incidents.get(focus, set())
    ranked = []
    for candidate, states in _lone_failures(graph, sorted(candidates, key=repr), within):
        explained = {ci for ci in every if states.get(ci) == DOWN}
        explains = frozenset(key for key, cis in incidents.items() if cis & explained)
        under = frozenset(key for key in incidents if candidate in below[key] or candidate in incidents[key])
        if len(explains) > 1 or len(under) > 1 or (explains and candidate not in every):
            ranked.append(RankedCause(candidate, explains, under, candidate in every))
    ranked.sort(key=lambda c: (-len(c.explains), -len(c.under), not c.observed, repr(c.ci)))
    return ranked
