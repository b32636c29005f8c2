"""The bare page: Flask and sqlite3, no ORM, no login, no templates beyond one string each —
serving the same rows as the app's queue, ticket page and search from the same seeded
SQLite database. bench/pages.py measures it beside the app, so the ratio "app / bare" is
taken in one run on any machine.

    gunicorn -w 2 bench.bare:app   (BARE_DATABASE=/path/to/bench.sqlite)
"""
import os
import sqlite3
from html import escape

from flask import Flask, abort, g, request

app = Flask(__name__)
DATABASE = os.environ.get("BARE_DATABASE", "bench/out/bench100k.sqlite")

QUEUE = """SELECT t.number, t.priority, t.title, t.status, o.code, u.name, t.last_activity_at
FROM tickets t JOIN organizations o ON o.id = t.organization_id LEFT JOIN users u ON u.id = t.assignee_id
WHERE t.team_id = ? AND t.is_open = 1 ORDER BY t.priority, t.id LIMIT 50"""
TICKET = """SELECT t.id, t.number, t.title, t.description, t.status, t.priority, o.name, r.name
FROM tickets t JOIN organizations o ON o.id = t.organization_id LEFT JOIN users r ON r.id = t.requester_id
WHERE t.number = ?"""
MESSAGES = """SELECT m.body_html, m.internal, m.created_at, a.name FROM messages m LEFT JOIN users a ON a.id = m.author_id
WHERE m.ticket_id = ? ORDER BY m.id"""
SEARCH = """SELECT t.number, t.priority, t.title, t.status, o.code, u.name, t.last_activity_at
FROM ticket_search s JOIN tickets t ON t.id = s.rowid JOIN organizations o ON o.id = t.organization_id
LEFT JOIN users u ON u.id = t.assignee_id WHERE ticket_search MATCH ? ORDER BY s.rowid DESC LIMIT 50"""


def connection() -> sqlite3.Connection:
    if "db" not in g:
        g.db = sqlite3.connect(DATABASE, check_same_thread=False)
    return g.db


@app.teardown_appcontext
def close(_error):
    db = g.pop("db", None)
    if db is not None:
        db.close()


def rows_html(rows) -> str:
    return "".join(f"<tr><td>{n}</td><td>P{p}</td><td>{escape(t)}</td><td>{s}</td><td>{o}</td>"
                   f"<td>{escape(a or '')}</td><td>{w}</td></tr>" for n, p, t, s, o, a, w in rows)


@app.get("/queue")
def queue():
    rows = connection().execute(QUEUE, (int(request.args["team"]),)).fetchall()
    return f"<!doctype html><table>{rows_html(rows)}</table>"


@app.get("/ticket/<number>")
def ticket(number):
    found = connection().execute(TICKET, (number,)).fetchone()
    if found is None:
        abort(404)
    ticket_id, number, title, description, status, priority, org, requester = found
    messages = connection().execute(MESSAGES, (ticket_id,)).fetchall()
    body = "".join(f"<article><b>{escape(a or '')}</b> {w}{' (note)' if i else ''}{html}</article>"
                   for html, i, w, a in messages)
    return (f"<!doctype html><h1>P{priority} {number} {escape(title)}</h1><p>{status} · {escape(org)} · "
            f"{escape(requester or '')}</p>{description}{body}")


@app.get("/search")
def search():
    words = " ".join(f'"{w}"*' for w in request.args.get("q", "").split() if w.isalnum())
    rows = connection().execute(SEARCH, (words,)).fetchall() if words else []
    return f"<!doctype html><table>{rows_html(rows)}</table>"
