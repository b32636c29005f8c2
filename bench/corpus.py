"""The words of the benchmark database: organizations, people, hosts, titles and
message bodies of a hosting provider's service desk, in English and some Ukrainian.

Pure and deterministic: everything comes from the random.Random it is given.
Message bodies are drawn once into pools of (html, text) pairs that carry a
``{host}`` placeholder, so the generator only picks one and puts the ticket's
host in — cheap enough for millions of messages.
"""
import html
import random

CITIES = ["Kyiv", "Lviv", "Dnipro", "Odesa", "Kharkiv", "Zaporizhzhia", "Vinnytsia", "Poltava", "Chernihiv",
          "Ternopil", "Uzhhorod", "Lutsk", "Rivne", "Sumy", "Cherkasy", "Zhytomyr", "Ivano-Frankivsk", "Kherson",
          "Mykolaiv", "Kropyvnytskyi"]
INDUSTRIES = ["Logistics", "Pharma", "Media", "Retail", "Bank", "Foods", "Agro", "Energy", "Motors", "Telecom",
              "Clinic", "Insurance", "Software", "Travel", "Steel", "Print", "Games", "Law", "Build", "Textile"]
FIRST_NAMES = ["Olena", "Andriy", "Ivan", "Maria", "Taras", "Oksana", "Dmytro", "Iryna", "Roman", "Sofia",
               "Petro", "Yulia", "Maksym", "Anna", "Serhiy", "Natalia", "Oleksandr", "Kateryna", "Bohdan", "Halyna",
               "Viktor", "Tetiana", "Yaroslav", "Larysa", "Mykola", "Svitlana", "Artem", "Daria", "Vasyl", "Alina"]
LAST_NAMES = ["Kovalenko", "Melnyk", "Bondarenko", "Shevchenko", "Tkachenko", "Kravchenko", "Savchenko",
              "Lysenko", "Moroz", "Hnatyuk", "Kozak", "Rudenko", "Pavlenko", "Oliynyk", "Boyko", "Marchenko",
              "Polishchuk", "Kovalchuk", "Tkachuk", "Ponomarenko", "Hrytsenko", "Karpenko", "Zinchenko", "Levchenko"]
JOB_TITLES = ["IT manager", "System administrator", "Developer", "DevOps engineer", "CTO", "Office manager",
              "Accountant", "Head of IT", "Web producer", "Support engineer"]
ROLES = ["web", "db", "app", "mail", "cache", "lb", "fw", "backup", "nfs", "k8s-node", "vpn", "dns", "mon",
         "git", "ci", "sql", "redis", "es", "kvm", "proxy"]
TEAMS = [  # name, share of all tickets
    ("Service Desk L1", 0.34), ("Infrastructure L2", 0.18), ("Network", 0.10), ("Databases", 0.09),
    ("Mail & Collaboration", 0.09), ("Cloud & Virtualization", 0.09), ("Security", 0.06),
    ("Backup & Storage", 0.05),
]
CATEGORIES = {
    "incident": ["server", "network", "storage", "database", "mail", "website", "backup", "security", "vpn"],
    "request": ["access", "mailbox", "dns", "firewall", "software", "resources", "restore", "certificate"],
    "problem": ["capacity", "stability", "performance", "hardware"],
    "change": ["upgrade", "maintenance", "migration", "hardware", "configuration"],
}
TITLES = {
    "incident": [
        "Disk almost full on {host}", "{host} does not answer ping", "High load average on {host}",
        "Website down: 502 Bad Gateway from {host}", "SSL certificate expires soon on {host}",
        "Backup job failed on {host}", "MySQL replication lag on {host}", "Cannot connect to the VPN",
        "Mail queue stuck on {host}", "RAID degraded on {host}", "Kernel panic after reboot of {host}",
        "OOM killer keeps killing php-fpm on {host}", "Slow queries on {host}", "Packet loss to {host}",
        "DNS does not resolve our domain", "SSH login refused on {host}", "Time drift on {host}",
        "Не відповідає сервер {host}", "Закінчується місце на диску {host}", "Не працює пошта",
        "Сайт недоступний, помилка 502", "Повільно працює база даних на {host}",
    ],
    "request": [
        "Create a mailbox for a new colleague", "Add an SSH key for our developer to {host}",
        "Open port 8443 on the firewall for {host}", "Increase the disk of {host} to 200 GB",
        "Install PHP 8.3 on {host}", "Restore a file from yesterday's backup on {host}",
        "Add a DNS record for the new subdomain", "Renew the certificate on {host}",
        "Прошу створити VPN-доступ для нового співробітника", "Додати DNS-запис для піддомену",
        "Відновити файл з резервної копії на {host}",
    ],
    "problem": [
        "Recurring disk full on {host}", "Intermittent packet loss on the uplink", "Memory leak in the app on {host}",
        "Nightly backups of {host} take longer every week", "Повторювані перезавантаження {host}",
    ],
    "change": [
        "Upgrade PostgreSQL on {host}", "Kernel update on {host}", "Migrate {host} to the new hypervisor",
        "Replace a PSU in {host}", "Rotate TLS certificates on {host}", "Оновлення ядра на {host}",
    ],
}
RESOLUTION_CODES = ["fixed", "workaround", "configuration", "hardware_replaced", "no_fault", "duplicate",
                    "client_side", "cancelled"]
RESOLUTIONS = [
    "Cleaned old logs and fixed the logrotate configuration.", "Restarted the service; it has been stable since.",
    "Replaced the failed disk, the array rebuilt fine.", "Raised the memory limit and tuned the pool size.",
    "Renewed the certificate and set up automatic renewal.", "The client fixed it on their side.",
    "Очистили старі журнали, налаштували ротацію.", "Перезапустили сервіс, все працює.",
]

# -- message bodies -------------------------------------------------------------------------------------------

CLIENT_LINES = [
    "Hello, since this morning {host} is very slow, our users complain.",
    "Hi! The site returns 502 again, can you please check {host}?",
    "We still see the problem, it happened again at {hh}:{mm}.",
    "Thank you, it works now.", "Any news on this? It is urgent for us.",
    "Could you do it after 19:00 please, we have a release today.",
    "Attached is the output from {host}, please have a look.",
    "Добрий день! Сервер {host} знову не відповідає.", "Дякую, все працює.",
    "Коли буде вирішено? У нас зупинились продажі.", "Перевірте, будь ласка, {host} ще раз.",
]
AGENT_LINES = [
    "Hello, thank you for the report. We are looking into it.",
    "We checked {host}: the root filesystem was {pct}% full. Old logs are cleaned, now it is at {pct2}%.",
    "The service on {host} was restarted at {hh}:{mm}, please check on your side.",
    "We have scheduled the work for tonight at 23:00, there will be a short downtime.",
    "Could you please send us the exact time and the URL where you see the error?",
    "The load on {host} is back to normal, we keep monitoring it.",
    "Добрий день! Ми перевірили {host}, проблему усунено.",
    "Дякуємо за звернення, вже працюємо над цим.", "Заплановано роботи на ніч, буде коротка перерва.",
]
NOTE_LINES = [
    "Checked {host}: /var/log is {gb}G, logrotate was broken since the last upgrade.",
    "Escalating to L2, looks like hardware: SMART shows reallocated sectors on sdb.",
    "Customer confirmed over the phone, waiting for the maintenance window.",
    "Same issue as last month, see the problem ticket. Linking.",
    "mysqld was OOM-killed, innodb_buffer_pool_size is too big for this VM.",
    "Called the client, they changed the DNS themselves. Nothing to do on our side.",
    "Перевірив {host}: диск заповнений логами, почистив.", "Передаю на другу лінію, схоже на залізо.",
]
SNIPPETS = [
    ("$ ping -c 4 {host}\nPING {host} (10.{a}.{b}.{c}) 56(84) bytes of data.\n"
     "64 bytes from {host} (10.{a}.{b}.{c}): icmp_seq=1 ttl=64 time={ms} ms\n"
     "64 bytes from {host} (10.{a}.{b}.{c}): icmp_seq=2 ttl=64 time={ms2} ms\n"
     "Request timeout for icmp_seq 3\n"
     "--- {host} ping statistics ---\n4 packets transmitted, 3 received, 25% packet loss, time 3004ms"),
    ("$ df -h\nFilesystem      Size  Used Avail Use% Mounted on\n/dev/sda1        {size}G  {used}G  {avail}G  {pct}% /\n"
     "/dev/sdb1       500G  {gb}G  {avail}G  {pct2}% /var/lib/mysql\ntmpfs           3.9G     0  3.9G   0% /dev/shm"),
    ("$ dmesg | tail\n[{up}.{us}] EXT4-fs error (device sda1): ext4_find_entry:1455: inode #{ino}: comm nginx: "
     "reading directory lblock 0\n[{up}.{us}] Out of memory: Killed process {pid} (php-fpm) total-vm:{kb}kB\n"
     "[{up}.{us}] md/raid1:md0: Disk failure on sdb1, disabling device."),
    ("$ dmesg -T | grep -i error\n[{up}.{us}] ata1.00: failed command: READ FPDMA QUEUED\n"
     "[{up}.{us}] blk_update_request: I/O error, dev sda, sector {ino}\n"
     "[{up}.{us}] XFS (dm-0): metadata I/O error, fsck needed"),
    ("$ uptime\n {hh}:{mm}:01 up {days} days,  2 users,  load average: {la}, {la2}, 4.02\n"
     "$ systemctl status nginx\n● nginx.service - A high performance web server\n"
     "   Active: failed (Result: exit-code) since {hh}:{mm}"),
    ("2026/11/{dd} {hh}:{mm}:17 [error] {pid}#0: *{ino} upstream timed out (110: Connection timed out) while "
     "reading response header from upstream, client: 91.{a}.{b}.{c}, server: {host}"),
    ("mysql> SHOW SLAVE STATUS\\G\n  Slave_IO_Running: Yes\n  Slave_SQL_Running: Yes\n"
     "  Seconds_Behind_Master: {ino}\n  Last_Error:"),
]
# Words planted at known rates, so the search bench can pick one with a moderate number of hits.
RARE_NOTES = [
    "Found a stale NFS handle, remounted /srv/share with the hard option.",
    "The UPS in rack B7 reported a battery fault at the same time.",
    "Hypervisor kvm-07 had a balloon driver issue; migrated the VM off it.",
]


def _numbers(rng: random.Random) -> dict:
    return {
        "pct": rng.randint(85, 100), "pct2": rng.randint(20, 70), "gb": rng.randint(5, 480),
        "hh": f"{rng.randint(0, 23):02d}", "mm": f"{rng.randint(0, 59):02d}", "dd": f"{rng.randint(1, 28):02d}",
        "a": rng.randint(0, 255), "b": rng.randint(0, 255), "c": rng.randint(1, 254),
        "ms": f"{rng.uniform(0.1, 90):.3f}", "ms2": f"{rng.uniform(0.1, 90):.3f}",
        "size": rng.choice([20, 40, 80, 160]), "used": rng.randint(10, 160), "avail": rng.randint(0, 60),
        "up": rng.randint(1000, 9999999), "us": f"{rng.randint(0, 999999):06d}", "ino": rng.randint(1000, 99999999),
        "pid": rng.randint(300, 65000), "kb": rng.randint(100000, 9000000), "days": rng.randint(1, 900),
        "la": f"{rng.uniform(0, 60):.2f}", "la2": f"{rng.uniform(0, 40):.2f}", "host": "{host}",
    }


def _render(blocks: list[tuple[str, str]]) -> tuple[str, str]:
    """(sanitized-looking HTML, plain text) of paragraphs and preformatted blocks."""
    parts, texts = [], []
    for kind, text in blocks:
        escaped = html.escape(text, quote=False)
        parts.append(f"<pre><code>{escaped}\n</code></pre>" if kind == "pre" else f"<p>{escaped}</p>")
        texts.append(text)
    return "\n".join(parts), "\n\n".join(texts)


def _body(rng: random.Random, lines: list[str], snippet_rate: float, rare_rate: float = 0.0) -> tuple[str, str]:
    values = _numbers(rng)
    blocks = [("p", rng.choice(lines).format(**values))]
    if rng.random() < 0.5:
        blocks.append(("p", rng.choice(lines).format(**values)))
    if rng.random() < snippet_rate:
        blocks.append(("pre", rng.choice(SNIPPETS).format(**values)))
    if rng.random() < rare_rate:
        blocks.append(("p", rng.choice(RARE_NOTES)))
    return _render(blocks)


class Pools:
    """Pre-drawn bodies: pick one with ``pool[int(rng.random() * len(pool))]`` and replace ``{host}``."""

    def __init__(self, rng: random.Random, size: int = 4000):
        self.client = [_body(rng, CLIENT_LINES, 0.25) for _ in range(size)]
        self.agent = [_body(rng, AGENT_LINES, 0.15) for _ in range(size)]
        self.note = [_body(rng, NOTE_LINES, 0.35, rare_rate=0.02) for _ in range(size)]
        self.description = [_body(rng, CLIENT_LINES, 0.5) for _ in range(size)]
        self.titles = {kind: titles for kind, titles in TITLES.items()}


def organizations(rng: random.Random, count: int) -> list[dict]:
    orgs, seen = [], set()
    for i in range(count):
        city, industry = rng.choice(CITIES), rng.choice(INDUSTRIES)
        code = f"{city[:4].upper().replace('-', '')}{industry[:3].upper()}{i + 1:03d}"
        slug = f"{city.lower()}-{industry.lower()}-{i + 1}"
        assert code not in seen
        seen.add(code)
        orgs.append({"code": code, "name": f"{city} {industry} {i + 1}", "slug": slug,
                     "email": f"it@{slug}.example", "phone": f"+380 {rng.randint(31, 69)} {rng.randint(100, 999)} "
                     f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
                     "address": f"{city}, {rng.choice(LAST_NAMES)} street {rng.randint(1, 200)}",
                     "website": f"{slug}.example"})
    return orgs


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def hosts(rng: random.Random, count: int) -> list[str]:
    return [f"{rng.choice(ROLES)}-{rng.randint(1, 24):02d}" for _ in range(count)]
