"""Words for the CMDB's codes, translated (lazily: built once, shown in the reader's language)."""
from app.i18n import lazy_gettext as _l
from cmdb.catalog import RELATION_TYPES

STATUS_LABELS = {"planned": _l("Planned"), "in_production": _l("In production"), "maintenance": _l("Maintenance"),
                 "failed": _l("Failed"), "retired": _l("Retired")}
GROUP_LABELS = {"facility": _l("Facility"), "hardware": _l("Hardware"), "components": _l("Components"),
                "network": _l("Network"), "virtual": _l("Virtual"), "software": _l("Software"),
                "services": _l("Services")}
IMPACT_LABELS = {"full": _l("Full"), "degraded": _l("Degraded"), "none": _l("None")}
LINK_LABELS = {"manual": _l("Linked"), "computed": _l("Computed"), "not_impacted": _l("Not impacted")}
STATE_LABELS = {"ok": _l("OK"), "degraded": _l("Degraded"), "down": _l("Down")}

# The shipped classes and relation types (cmdb/catalog.py) in the reader's language; classes and
# types that admins add show their stored names.
CLASS_LABELS = {
    "site": _l("Site"), "room": _l("Room"), "rack": _l("Rack"), "pdu": _l("PDU"), "ups": _l("UPS"),
    "physical_server": _l("Physical server"), "enclosure": _l("Enclosure"), "storage_system": _l("Storage system"),
    "san_switch": _l("SAN switch"), "nas": _l("NAS"), "power_supply": _l("Power supply"), "disk": _l("Disk"),
    "raid_volume": _l("RAID volume"), "memory_module": _l("Memory module"), "cpu": _l("CPU"), "nic": _l("NIC"),
    "bmc": _l("BMC"), "router": _l("Router"), "switch": _l("Switch"), "firewall": _l("Firewall"),
    "load_balancer": _l("Load balancer"), "uplink": _l("Uplink / circuit"), "vlan": _l("VLAN"),
    "subnet": _l("Subnet"), "hypervisor": _l("Hypervisor"), "farm": _l("Farm / cluster"),
    "virtual_machine": _l("Virtual machine"), "datastore": _l("Datastore / LUN"), "os_instance": _l("OS instance"),
    "database": _l("Database"), "web_server": _l("Web server"), "application": _l("Application"),
    "certificate": _l("Certificate"), "dns_zone": _l("Domain / DNS zone"), "client_service": _l("Client service"),
    "business_service": _l("Business service"),
}
RELATION_LABELS = {
    "runs_on": (_l("runs on"), _l("runs")), "hosted_on": (_l("is hosted on"), _l("hosts")),
    "member_of": (_l("is a member of"), _l("has member")),
    "has_component": (_l("has component"), _l("is a component of")),
    "part_of": (_l("is part of"), _l("consists of")), "connected_to": (_l("is connected to"), _l("connects")),
    "uplink": (_l("has uplink"), _l("is the uplink of")), "powered_by": (_l("is powered by"), _l("powers")),
    "mounts": (_l("mounts"), _l("is mounted by")), "uses": (_l("uses"), _l("is used by")),
    "provided_by": (_l("is provided by"), _l("provides")), "located_in": (_l("is located in"), _l("houses")),
    "backed_up_by": (_l("is backed up by"), _l("backs up")),
    "replicated_to": (_l("is replicated to"), _l("is a replica of")),
    "monitored_by": (_l("is monitored by"), _l("monitors")), "managed_by": (_l("is managed by"), _l("manages")),
}


def class_label(ci_class) -> str:
    return str(CLASS_LABELS.get(ci_class.code, ci_class.name))


def relation_label(relation_type, inverse: bool = False) -> str:
    pair = RELATION_LABELS.get(relation_type.code)
    if pair is None:
        return relation_type.inverse_label if inverse else relation_type.label
    return str(pair[1] if inverse else pair[0])


# The shipped classes' attributes (cmdb/catalog.py). An attribute an admin adds may carry its own
# "label" in the class schema; otherwise its name shows with spaces for underscores.
ATTRIBUTE_LABELS = {
    "address": _l("Address"), "floor": _l("Floor"), "units": _l("Rack units"), "feed": _l("Power feed"),
    "max_amps": _l("Maximum current (A)"), "capacity_kva": _l("Capacity (kVA)"), "runtime_min": _l("Runtime (min)"),
    "cpu": _l("CPU"), "cores": _l("Cores"), "ram_gb": _l("RAM (GB)"), "os": _l("Operating system"),
    "bays": _l("Bays"), "capacity_tb": _l("Capacity (TB)"), "model": _l("Model"), "ports": _l("Ports"),
    "watts": _l("Power (W)"), "size_gb": _l("Size (GB)"), "smart": _l("SMART state"), "level": _l("RAID level"),
    "ecc": _l("ECC"), "speed_gbps": _l("Speed (Gbit/s)"), "mac": _l("MAC address"), "firmware": _l("Firmware"),
    "carrier": _l("Carrier"), "bandwidth_mbps": _l("Bandwidth (Mbit/s)"), "vlan_id": _l("VLAN ID"),
    "cidr": _l("Network (CIDR)"), "platform": _l("Platform"), "version": _l("Version"), "vcpus": _l("vCPUs"),
    "engine": _l("Engine"), "product": _l("Product"), "expires": _l("Expires"), "issuer": _l("Issuer"),
    "registrar": _l("Registrar"), "sla": _l("Service level"), "owner": _l("Owner"),
}
FIELD_LABELS = {
    "created": _l("Created"), "name": _l("Name"), "status": _l("Status"), "hostname": _l("Hostname"),
    "ip_addresses": _l("IP addresses"), "serial": _l("Serial number"), "asset_tag": _l("Asset tag"),
    "location": _l("Location"), "warranty_end": _l("Warranty end"), "support_contract": _l("Support contract"),
    "notes": _l("Notes"), "relation": _l("Relation"),
}
ATTRIBUTE_VALUE_LABELS = {"True": _l("Yes"), "False": _l("No"), "true": _l("Yes"), "false": _l("No")}


def attribute_label(ci_class, name: str) -> str:
    return schema_label((ci_class.schema or {}) if ci_class is not None else {}, name)


def schema_label(schema: dict, name: str) -> str:
    spec = (schema or {}).get(name) or {}
    if spec.get("label"):
        return str(spec["label"])
    return str(ATTRIBUTE_LABELS.get(name, name.replace("_", " ").capitalize()))


def attribute_value(value) -> str:
    if isinstance(value, bool):
        return str(ATTRIBUTE_VALUE_LABELS[str(value)])
    return str(value)


def history_field(ci_class, field: str) -> str:
    """A history row's field in words: "attributes.ram_gb" → "RAM (GB)", "group.nodes" → "Redundancy group nodes"."""
    if field.startswith("attributes."):
        return attribute_label(ci_class, field.removeprefix("attributes."))
    if field.startswith("group."):
        return str(_l("Redundancy group %(key)s", key=field.removeprefix("group.")))
    return str(FIELD_LABELS.get(field, field))


def _relation_words(text: str) -> str:
    """A stored relation ("runs on web-01 (#4) [nodes]", in the catalog's English) in the reader's words."""
    from_catalog = [(english, pair[i]) for code, (label, inverse, _impact) in RELATION_TYPES.items()
                    if (pair := RELATION_LABELS.get(code)) for i, english in ((0, label), (1, inverse))]
    for english, words in sorted(from_catalog, key=lambda item: -len(item[0])):
        if text.startswith(english + " "):
            return f"{words}{text[len(english):]}"
    return text


def history_value(field: str, value) -> str | None:
    """A history row's old or new value in words (statuses, yes/no, relations)."""
    if value is None or value == "":
        return None
    if field == "status":
        return str(STATUS_LABELS.get(value, value))
    if field == "relation":
        return _relation_words(value)
    if field.startswith("attributes."):
        return str(ATTRIBUTE_VALUE_LABELS.get(value, value))
    return value
