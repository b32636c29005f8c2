"""Which ticket a mail belongs to, by what it carries: the number tag in its subject, or
the Message-IDs it answers. PURE apart from the lookups the gateway passes in."""
import re

# "[INC-42]", "[Zayavka #INC-42]", "[Acme Support # inc - 42 ]": any prefix, or none.
TAG = re.compile(r"\[\s*(?:[^\[\]#]{0,80}#\s*)?(INC|REQ|PRB|CHG)\s*-\s*0*(\d{1,9})\s*\]", re.IGNORECASE)
# The stable per-ticket reference every outgoing mail carries in References.
PSEUDO = re.compile(r"^ticket\.(INC|REQ|PRB|CHG)-(\d{1,9})@", re.IGNORECASE)


def subject_number(subject: str) -> str | None:
    """The ticket number in a subject's tag, whatever the reply prefixes ("Re:", "AW:", "Отв:", "Fwd:")."""
    match = TAG.search(subject or "")
    return f"{match.group(1).upper()}-{int(match.group(2))}" if match else None


def pseudo_reference(number: str, domain: str) -> str:
    return f"ticket.{number}@{domain}"


def referenced_number(message_ids) -> str | None:
    """The ticket number of a pseudo-reference among ``message_ids``."""
    for message_id in message_ids:
        match = PSEUDO.match(message_id)
        if match:
            return f"{match.group(1).upper()}-{int(match.group(2))}"
    return None
