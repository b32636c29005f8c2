"""Jobs that only the outbox tests ask for."""
import os
import signal

from app.jobs import job
from app.mail import outbound


@job
def mail_then_die(address: str) -> None:
    """Sends its mail, then its worker dies on the spot (as under the OOM killer)."""
    outbound.deliver(outbound.build(address, "Only once, please", "password_reset", user={"name": "Tester"}, link="http://x"))
    os.kill(os.getpid(), signal.SIGKILL)


@job
def always_fails(reason: str) -> None:
    raise RuntimeError(reason)
