"""Words for the CMDB's codes, translated (lazily: built once, shown in the reader's language)."""
from flask_babel import lazy_gettext as _l

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
