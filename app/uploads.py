"""A file as a person sent it — its name and bytes — before anything checked it. The forms,
the API and (soon) the mail gateway make these; the ticket core checks and stores them
(app/tickets/attachments.py)."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes
