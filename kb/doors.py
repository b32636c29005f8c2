"""The knowledge base at the ticket core's doors: its panel on the agent's ticket page
(related articles, "insert link into reply", "make an article" once the ticket is solved)."""
from app.tickets.pages import register_panel
from kb import pages


def init_app(app) -> None:
    register_panel("kb/_on_ticket.html", pages.panel_context)
