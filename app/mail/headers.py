"""Parsed MIME headers remembered across messages. PURE (the standard library only)."""
import email.headerregistry


class RememberingRegistry(email.headerregistry.HeaderRegistry):
    """The standard registry, remembering the structured MIME headers it parsed: the parser and
    get_content_type() ask for a part's Content-Type again and again, most mail has the same few
    values, and parsing one is the costliest step of reading a plain mail (bench/mail.py). The
    header objects are immutable strings, so one may serve every message."""

    CACHED = frozenset({"content-type", "content-transfer-encoding", "content-disposition", "mime-version"})
    LIMIT = 4096

    def __init__(self):
        super().__init__()
        self._seen: dict[tuple[str, str], object] = {}

    def __call__(self, name, value):
        if name.lower() not in self.CACHED:
            return super().__call__(name, value)
        key = (name, value)
        found = self._seen.get(key)
        if found is None:
            if len(self._seen) >= self.LIMIT:
                self._seen.clear()
            found = self._seen[key] = super().__call__(name, value)
        return found
