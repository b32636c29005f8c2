"""Mail that must never be answered automatically, and bounces. PURE."""

ROBOTS = ("mailer-daemon", "postmaster", "noreply", "no-reply", "do-not-reply", "donotreply", "bounce", "bounces")


def local_part(address: str) -> str:
    return (address or "").split("@", 1)[0].lower()


def is_robot(address: str) -> bool:
    return local_part(address).split("+", 1)[0] in ROBOTS


def automatic_reason(parsed, own_addresses) -> str | None:
    """Why this mail gets no automatic answer (it is automatic itself, or ours), or None."""
    headers = parsed.headers
    auto = headers.get("auto-submitted", "").split(";", 1)[0].strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    if headers.get("precedence", "").strip().lower() in ("bulk", "junk", "list", "auto_reply"):
        return f"Precedence: {headers['precedence'].strip().lower()}"
    if headers.get("x-autoreply") or headers.get("x-autorespond"):
        return "X-Autoreply"
    if headers.get("list-id"):
        return "List-Id"
    ours = {address.lower() for address in own_addresses}
    loop = headers.get("x-loop", "").lower()
    if loop and any(address in loop for address in ours):
        return "X-Loop"
    if is_robot(parsed.sender):
        return f"sender {local_part(parsed.sender)}"
    if parsed.sender in ours:
        return "our own address"
    if headers.get("return-path", "").strip() == "<>":
        return "empty Return-Path"
    return None


def is_bounce(parsed) -> bool:
    """A delivery report: a multipart/report of delivery status, or a robot's mail about a mail of ours."""
    if parsed.report_type == "delivery-status":
        return True
    return local_part(parsed.sender) in ("mailer-daemon", "postmaster") and bool(parsed.bounced_message_ids)
