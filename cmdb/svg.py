"""The neighbourhood of a CI as a server-side SVG picture (no script, no CDN): what depends on
it on the left, what it depends on on the right, its redundancy groups as small "up/N (min k)"
nodes on the way. States are those of "what if this fails": down red, degraded amber."""
from markupsafe import Markup, escape

FILL = {"down": "#f8d7da", "degraded": "#fff3cd", "ok": "#ffffff", "self": "#f8d7da"}
STROKE = {"down": "#dc3545", "degraded": "#fd7e14", "ok": "#6c757d", "self": "#dc3545"}
WIDTH, BOX_W, BOX_H, ROW = 760, 200, 34, 46


def _box(x, y, label, state, href=None, sub=""):
    text = escape(label if len(label) <= 26 else label[:25] + "…")
    body = (f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="{FILL[state]}" '
            f'stroke="{STROKE[state]}" stroke-width="{2 if state != "ok" else 1}"/>'
            f'<text x="{x + BOX_W / 2}" y="{y + 15}" text-anchor="middle" font-size="12">{text}</text>'
            f'<text x="{x + BOX_W / 2}" y="{y + 28}" text-anchor="middle" font-size="10" fill="#6c757d">'
            f'{escape(sub)}</text>')
    return f'<a href="{escape(href)}">{body}</a>' if href else body


def _edge(x1, y1, x2, y2, state="ok"):
    return (f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{STROKE[state]}" stroke-width="1.5" '
            f'marker-end="url(#arrow)"/>')


def _group(x, y, text, state):
    return (f'<rect x="{x - 45}" y="{y - 10}" width="90" height="20" rx="10" fill="{FILL[state]}" '
            f'stroke="{STROKE[state]}"/><text x="{x}" y="{y + 4}" text-anchor="middle" font-size="10">'
            f'{escape(text)}</text>')


def neighbourhood(center, dependents, dependencies, states, link, groups=()) -> Markup:
    """``dependents``/``dependencies``: [(label, sublabel, ci id or None)] beside ``center``
    (label, sublabel); ``states``: ci id -> state; ``link(ci_id)`` their pages' addresses;
    ``groups``: [(side "left"/"right", index of the row it stands on, text, state)]."""
    rows = max(len(dependents), len(dependencies), 1)
    height = rows * ROW + 30
    mid_y = height / 2 - BOX_H / 2
    parts = ['<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
             'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#6c757d"/></marker></defs>']
    cx = (WIDTH - BOX_W) / 2
    for side, items in (("left", dependents), ("right", dependencies)):
        x = 10 if side == "left" else WIDTH - BOX_W - 10
        top = (height - len(items) * ROW) / 2
        for index, (label, sub, ci_id) in enumerate(items):
            y = top + index * ROW + (ROW - BOX_H) / 2
            state = states.get(ci_id, "ok") if side == "left" else "ok"
            parts.append(_box(x, y, label, state, link(ci_id) if ci_id else None, sub))
            if side == "left":  # a dependent → the CI
                parts.append(_edge(x + BOX_W, y + BOX_H / 2, cx, mid_y + BOX_H / 2, state))
            else:  # the CI → its dependency
                parts.append(_edge(cx + BOX_W, mid_y + BOX_H / 2, x, y + BOX_H / 2))
        for group_side, index, text, state in groups:
            if group_side == side and index < len(items):
                y = top + index * ROW + ROW / 2
                gx = (x + BOX_W + cx) / 2 if side == "left" else (cx + BOX_W + x) / 2
                parts.append(_group(gx, (y + mid_y + BOX_H / 2) / 2, text, state))
    parts.append(_box(cx, mid_y, center[0], "self", None, center[1]))
    return Markup(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
                  f'role="img" class="cmdb-graph" font-family="system-ui, sans-serif">{"".join(parts)}</svg>')
