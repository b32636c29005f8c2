"""The five roles. Clients belong to one organization; staff work for the provider."""
from enum import StrEnum

from app.i18n import lazy_gettext as _l


class Role(StrEnum):
    CLIENT_USER = "client_user"
    CLIENT_ADMIN = "client_admin"
    AGENT = "agent"
    MANAGER = "manager"
    ADMIN = "admin"


CLIENT_ROLES = frozenset({Role.CLIENT_USER, Role.CLIENT_ADMIN})
STAFF_ROLES = frozenset({Role.AGENT, Role.MANAGER, Role.ADMIN})

ROLE_LABELS = {
    Role.CLIENT_USER: _l("Client contact"),
    Role.CLIENT_ADMIN: _l("Client administrator"),
    Role.AGENT: _l("Agent"),
    Role.MANAGER: _l("Manager"),
    Role.ADMIN: _l("Administrator"),
}
