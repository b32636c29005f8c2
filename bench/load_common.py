"""What both loaders share: the rows of the small tables and the one password hash."""
import hashlib
from dataclasses import dataclass

from werkzeug.security import check_password_hash

from bench.generate import END, People, TimeFormat

PASSWORD = "bench-password"
HASH_METHOD = "pbkdf2:sha256:1000"


def password_hash(seed: int) -> str:
    """What werkzeug's generate_password_hash(PASSWORD, method=HASH_METHOD) makes, but with a
    salt drawn from the seed, so the database is the same on every run. Computed once: every
    user shares it."""
    salt = hashlib.sha256(f"bench-salt-{seed}".encode()).hexdigest()[:16]
    digest = hashlib.pbkdf2_hmac("sha256", PASSWORD.encode(), salt.encode(), 1000).hex()
    value = f"{HASH_METHOD}${salt}${digest}"
    assert check_password_hash(value, PASSWORD)
    return value


@dataclass
class PeopleRows:
    people: People
    password_hash: str
    time: TimeFormat

    def tables(self):
        """(table, columns, rows) for organizations, teams, users, team_members."""
        born = self.time(int(END.timestamp()) - 3 * 365 * 86400 - 30 * 86400)
        orgs = [(i + 1, o["code"], o["name"], o["email"], o["phone"], o["address"], o["website"], "", True, born, born)
                for i, o in enumerate(self.people.orgs)]
        yield ("organizations", ("id", "code", "name", "email", "phone", "address", "website", "notes", "active",
                                 "created_at", "updated_at"), orgs)
        teams = [(i + 1, name, f"The {name} queue.", f"team{i + 1}@provider.example", True, born, born)
                 for i, (name, _) in enumerate(self.people.teams)]
        yield "teams", ("id", "name", "description", "email", "active", "created_at", "updated_at"), teams
        users = [(uid, email, name, self.password_hash, role, org_id, "", job_title, True, None, None, None, None, 1,
                  born, born) for uid, email, name, role, org_id, job_title in self.people.users]
        yield ("users", ("id", "email", "name", "password_hash", "role", "organization_id", "phone", "job_title",
                         "active", "locale", "timezone", "last_login_at", "password_changed_at", "session_version",
                         "created_at", "updated_at"), users)
        yield "team_members", ("team_id", "user_id"), self.people.team_members
