"""What the CMDB ships with: the CI classes (grouped, each with its attribute schema) and the
relation types (each with its inverse label and default impact). Plain data: the migration
seeds it, and ``cmdb.services.seed_catalog`` adds what is missing. Labels are English; the
pages translate them through ``cmdb.labels``."""

GROUPS = ("facility", "hardware", "components", "network", "virtual", "software", "services")
STATUSES = ("planned", "in_production", "maintenance", "failed", "retired")
IMPACTS = ("full", "degraded", "none")
LINK_IMPACTS = ("manual", "computed", "not_impacted")
ATTRIBUTE_TYPES = ("str", "int", "float", "bool", "date")


def _s(**attrs):
    """An attribute schema: name -> {"type": ..., optional "choices": [...]}."""
    return {name: ({"type": spec} if isinstance(spec, str) else spec) for name, spec in attrs.items()}


_DISK = _s(model="str", size_gb="int", smart={"type": "str", "choices": ["ok", "warning", "failing"]})
_SERVER = _s(cpu="str", cores="int", ram_gb="int", os="str")

# code: (group, English name, attribute schema)
CLASSES = {
    "site": ("facility", "Site", _s(address="str")),
    "room": ("facility", "Room", _s(floor="str")),
    "rack": ("facility", "Rack", _s(units="int")),
    "pdu": ("facility", "PDU", _s(feed={"type": "str", "choices": ["A", "B"]}, max_amps="int")),
    "ups": ("facility", "UPS", _s(capacity_kva="float", runtime_min="int")),
    "physical_server": ("hardware", "Physical server", _SERVER),
    "enclosure": ("hardware", "Enclosure", _s(bays="int")),
    "storage_system": ("hardware", "Storage system", _s(capacity_tb="float", model="str")),
    "san_switch": ("hardware", "SAN switch", _s(ports="int")),
    "nas": ("hardware", "NAS", _s(capacity_tb="float")),
    "power_supply": ("components", "Power supply", _s(watts="int")),
    "disk": ("components", "Disk", _DISK),
    "raid_volume": ("components", "RAID volume", _s(level={"type": "str", "choices": ["0", "1", "5", "6", "10"]},
                                                    size_gb="int")),
    "memory_module": ("components", "Memory module", _s(size_gb="int", ecc="bool")),
    "cpu": ("components", "CPU", _s(model="str", cores="int")),
    "nic": ("components", "NIC", _s(speed_gbps="int", mac="str")),
    "bmc": ("components", "BMC", _s(firmware="str")),
    "router": ("network", "Router", _s(model="str")),
    "switch": ("network", "Switch", _s(model="str", ports="int")),
    "firewall": ("network", "Firewall", _s(model="str")),
    "load_balancer": ("network", "Load balancer", _s(model="str")),
    "uplink": ("network", "Uplink / circuit", _s(carrier="str", bandwidth_mbps="int")),
    "vlan": ("network", "VLAN", _s(vlan_id="int")),
    "subnet": ("network", "Subnet", _s(cidr="str")),
    "hypervisor": ("virtual", "Hypervisor", _s(platform="str", version="str")),
    "farm": ("virtual", "Farm / cluster", _s(platform="str")),
    "virtual_machine": ("virtual", "Virtual machine", _s(vcpus="int", ram_gb="int", os="str")),
    "datastore": ("virtual", "Datastore / LUN", _s(size_gb="int")),
    "os_instance": ("software", "OS instance", _s(os="str", version="str")),
    "database": ("software", "Database", _s(engine="str", version="str")),
    "web_server": ("software", "Web server", _s(product="str", version="str")),
    "application": ("software", "Application", _s(version="str")),
    "certificate": ("software", "Certificate", _s(expires="date", issuer="str")),
    "dns_zone": ("software", "Domain / DNS zone", _s(registrar="str", expires="date")),
    "client_service": ("services", "Client service", _s(sla="str")),
    "business_service": ("services", "Business service", _s(owner="str")),
}

# code: (label "A … B", inverse label "B … A", default impact)
RELATION_TYPES = {
    "runs_on": ("runs on", "runs", "full"),
    "hosted_on": ("is hosted on", "hosts", "full"),
    "member_of": ("is a member of", "has member", "full"),
    "has_component": ("has component", "is a component of", "full"),
    "part_of": ("is part of", "consists of", "full"),
    "connected_to": ("is connected to", "connects", "full"),
    "uplink": ("has uplink", "is the uplink of", "full"),
    "powered_by": ("is powered by", "powers", "full"),
    "mounts": ("mounts", "is mounted by", "full"),
    "uses": ("uses", "is used by", "full"),
    "provided_by": ("is provided by", "provides", "full"),
    "located_in": ("is located in", "houses", "full"),
    "backed_up_by": ("is backed up by", "backs up", "degraded"),
    "replicated_to": ("is replicated to", "is a replica of", "degraded"),
    "monitored_by": ("is monitored by", "monitors", "none"),
    "managed_by": ("is managed by", "manages", "none"),
}
