"""Who computes which organizations a major incident affects from its failed CIs. The CMDB
(a top-level engine) registers its provider from its init_app; without one (an app run without
the CMDB) nothing is computed and the affected organizations are only those chosen by hand."""
_PROVIDERS: list = []


def register(provider) -> None:
    """``provider(ticket)`` → [{"organization_id", "path": [[name, organization_id | None], ...], "services"}]."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def available() -> bool:
    return bool(_PROVIDERS)


def organizations_hit(ticket) -> list[dict]:
    found: dict[int, dict] = {}
    for provider in _PROVIDERS:
        for entry in provider(ticket):
            found.setdefault(entry["organization_id"], entry)
    return list(found.values())
