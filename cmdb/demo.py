"""The demo's estate: two data centres (Kyiv and Lviv) with racks, PDUs, uplinks, the shared Kyiv
core switch, a hypervisor farm and a SAN; for each demo client a dozen VMs on the farm, two
bare-metal servers in Lviv with their PSUs and RAID1 disks, and services that run on clusters.
Loaded before the demo tickets, so their affected systems link to these CIs at the door."""
import sqlalchemy as sa

from app.auth.permissions import SHELL
from app.extensions import db
from app.orgs.models import Organization
from app.transactions import transactional
from cmdb import services
from cmdb.models import CI, CIClass

VMS = ("web-01", "web-02", "web-03", "web-04", "app-01", "app-02", "app-03", "db-01", "db-02", "mx-01", "fs-01",
       "backup-01", "mon-01")
EXTRA = {"DNIPRO": ("db-03",), "LVIVPHARM": ("lims-01",), "KYIVMEDIA": ("cms-01",)}


class _Estate:
    def __init__(self):
        self.classes = {c.code: c for c in db.session.scalars(sa.select(CIClass))}

    def ci(self, code, name, org=None, **fields):
        return services.create_ci(SHELL, ci_class=self.classes[code], name=name, organization=org, **fields)

    @staticmethod
    def rel(source, target, kind, **options):
        return services.add_relation(SHELL, source, target, kind, **options)

    def group(self, owner, key, members, kind="member_of", **spec):
        for member in members:
            self.rel(owner, member, kind, group_key=key)
        services.set_group(SHELL, owner, key, **spec)


@transactional
def seed_estate() -> int:
    """Build the estate once, in one unit of work (nothing when any CI exists). Returns how many CIs there are."""
    services.seed_catalog(SHELL)
    if db.session.scalar(sa.select(CI.id).limit(1)) is not None:
        return 0
    e = _Estate()
    kyiv = e.ci("site", "dc-kyiv-1", location="Kyiv, Kyrylivska 41", attributes={"address": "Kyrylivska 41"})
    lviv = e.ci("site", "dc-lviv-1", location="Lviv, Zelena 147")
    racks = [e.ci("rack", f"kyiv-r0{i}", location=f"dc-kyiv-1 / hall A / r0{i}", attributes={"units": 42})
             for i in range(1, 5)]
    lviv_rack = e.ci("rack", "lviv-r01", location="dc-lviv-1 / hall 1 / r01", attributes={"units": 42})
    for rack in racks:
        e.rel(rack, kyiv, "located_in")
    e.rel(lviv_rack, lviv, "located_in")
    pdus = [e.ci("pdu", f"pdu-kyiv-{feed.lower()}", attributes={"feed": feed, "max_amps": 32}) for feed in "AB"]
    uplinks = [e.ci("uplink", f"uplink-kbp-{i}", attributes={"carrier": carrier, "bandwidth_mbps": 10000})
               for i, carrier in ((1, "Datagroup"), (2, "Kyivstar"))]
    core = e.ci("switch", "core-sw-kyiv-1", hostname="core-sw-kyiv-1.net.zayavka.example", ip_addresses="10.0.0.1",
                serial="FDO2231X0AB", location="dc-kyiv-1 / hall A / r01", attributes={"model": "Nexus 93180", "ports": 54})
    e.group(core, "uplinks", uplinks, kind="uplink", min_up=1)
    e.group(core, "power", pdus, kind="powered_by", min_up=1)
    tors = []
    for i, rack in enumerate(racks, start=1):
        tor = e.ci("switch", f"tor-kyiv-0{i}", ip_addresses=f"10.0.0.{10 + i}", location=rack.location)
        e.rel(tor, core, "connected_to")
        e.rel(tor, rack, "located_in")
        tors.append(tor)
    hosts = []
    for i in range(1, 7):
        host = e.ci("hypervisor", f"hv-kyiv-0{i}", hostname=f"hv-kyiv-0{i}.zayavka.example",
                    ip_addresses=f"10.1.0.{i}", attributes={"platform": "Proxmox VE", "version": "8.2"})
        e.rel(host, tors[(i - 1) % 4], "connected_to")
        e.group(host, "psu", pdus, kind="powered_by", min_up=1)
        hosts.append(host)
    farm = e.ci("farm", "farm-kyiv", attributes={"platform": "Proxmox VE"})
    e.group(farm, "hosts", hosts, min_up_pct=60)
    san = e.ci("storage_system", "san-kyiv-1", attributes={"capacity_tb": 240.0, "model": "PowerStore 1200T"})
    e.rel(san, core, "connected_to")
    datastore = e.ci("datastore", "ds-kyiv-1", attributes={"size_gb": 65536})
    e.rel(datastore, san, "part_of")
    lviv_core = e.ci("switch", "core-sw-lviv-1", ip_addresses="10.50.0.1")
    e.rel(lviv_core, e.ci("uplink", "uplink-lwo-1", attributes={"carrier": "Lanet", "bandwidth_mbps": 1000}), "uplink")
    for org in db.session.scalars(sa.select(Organization).where(Organization.code.in_(EXTRA)).order_by(Organization.id)):
        _client(e, org, farm, datastore, lviv_core, lviv_rack)
    return db.session.scalar(sa.select(sa.func.count()).select_from(CI))


def _client(e, org, farm, datastore, lviv_core, lviv_rack) -> None:
    domain = org.website or f"{org.code.lower()}.example"
    vms = {}
    for index, name in enumerate(VMS + EXTRA[org.code], start=1):
        vm = e.ci("virtual_machine", name, org, hostname=f"{name}.{domain}", ip_addresses=f"10.{org.id + 10}.0.{index}",
                  attributes={"vcpus": 4 if name.startswith("db") else 2, "ram_gb": 16 if name.startswith("db") else 4,
                              "os": "Debian 12"})
        e.rel(vm, farm, "runs_on")
        e.rel(vm, datastore, "mounts")
        vms[name] = vm
    for name in ("db-01", "db-02", "fs-01"):
        e.rel(vms[name], vms["backup-01"], "backed_up_by")
        e.rel(vms[name], vms["mon-01"], "monitored_by")
    e.rel(vms["db-01"], vms["db-02"], "replicated_to")
    metal = []
    for i in (1, 2):
        server = e.ci("physical_server", f"bm-0{i}", org, hostname=f"bm-0{i}.{domain}", serial=f"CZ{org.id}{i}0AB7",
                      location="dc-lviv-1 / hall 1 / r01", attributes={"cpu": "Xeon Gold 6338", "cores": 32,
                                                                         "ram_gb": 256})
        e.rel(server, lviv_core, "connected_to")
        e.rel(server, lviv_rack, "located_in")
        psus = [e.ci("power_supply", f"bm-0{i}-psu{n}", org, attributes={"watts": 800}) for n in (1, 2)]
        e.group(server, "psu", psus, kind="has_component", min_up=1)
        disks = [e.ci("disk", f"bm-0{i}-disk{n}", org, attributes={"model": "Micron 5400", "size_gb": 1920,
                                                                    "smart": "ok"}) for n in (1, 2)]
        raid = e.ci("raid_volume", f"bm-0{i}-md0", org, attributes={"level": "1", "size_gb": 1920})
        e.group(raid, "mirror", disks, kind="has_component", min_up=1)
        e.rel(server, raid, "has_component")
        metal.append(server)
    web = e.ci("farm", "web-cluster", org)
    e.group(web, "nodes", [vms[f"web-0{i}"] for i in range(1, 5)], min_up=2)
    database = e.ci("farm", "db-cluster", org)
    e.group(database, "nodes", [vms["db-01"], vms["db-02"]], min_up=1)
    site = e.ci("client_service", f"{org.name} website", org, attributes={"sla": "99.9%"})
    e.rel(site, web, "runs_on")
    e.rel(site, database, "uses")
    mail = e.ci("client_service", f"{org.name} mail", org)
    e.rel(mail, vms["mx-01"], "runs_on")
    files = e.ci("client_service", f"{org.name} file share", org)
    e.rel(files, vms["fs-01"], "runs_on")
    if org.code == "LVIVPHARM":
        firewall = e.ci("firewall", "fw-lviv-1", org, ip_addresses="10.50.1.1", attributes={"model": "FortiGate 100F"})
        e.rel(firewall, lviv_core, "connected_to")
        lab = e.ci("client_service", "Lab VPN", org)
        e.rel(lab, firewall, "runs_on")
        e.rel(vms["lims-01"], vms["db-01"], "uses")
