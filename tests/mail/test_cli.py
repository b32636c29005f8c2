"""`flask mail ingest`: the MTA's pipe. One JSON line; 0 once stored, 75 when the database is away."""
import json
import os
import subprocess
import sys

from tests.mail.conftest import FIXTURES, mail

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")


def test_ingest_a_file_and_standard_input(app, db, users, tmp_path):
    runner = app.test_cli_runner()
    saved = tmp_path / "saved.eml"
    saved.write_bytes(mail(message_id="cli-1@acme.test"))
    result = runner.invoke(args=["mail", "ingest", str(saved)])
    assert result.exit_code == 0, result.output
    line = json.loads(result.output)
    assert line["created"] is True and line["ticket"].startswith("INC-") and isinstance(line["message"], int)
    again = runner.invoke(args=["mail", "ingest"], input=saved.read_bytes())
    assert json.loads(again.output) == {**line, "created": True}  # stored once, the same answer
    stranger = runner.invoke(args=["mail", "ingest"], input=mail(sender="who@nowhere.test", message_id="cli-2@x"))
    assert stranger.exit_code == 0
    assert json.loads(stranger.output)["reason"] == "unknown sender"


def test_ingest_exits_75_when_the_database_cannot_be_reached(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/missing/dir/db.sqlite", "FLASK_APP": "wsgi"}
    with open(os.path.join(FIXTURES, "quoted-reply.eml"), "rb") as source:
        done = subprocess.run([sys.executable, "-m", "flask", "mail", "ingest"], stdin=source, cwd=ROOT, env=env,
                              capture_output=True, timeout=60)
    assert done.returncode == 75, done.stderr.decode()[-2000:]
    assert json.loads(done.stderr.decode().strip().splitlines()[-1])["error"] == "database unreachable"


def test_ingest_from_the_shell_prints_one_json_line(tmp_path, redis_url):
    """As an MTA or an operator runs it: a saved .eml, a real process, a fresh database."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/shell.sqlite", "FLASK_APP": "wsgi",
           "REDIS_URL": redis_url, "ATTACHMENT_DIR": str(tmp_path / "files")}
    upgraded = subprocess.run([sys.executable, "-m", "flask", "db", "upgrade"], cwd=ROOT, env=env,
                              capture_output=True, timeout=120)
    assert upgraded.returncode == 0, upgraded.stderr.decode()[-2000:]
    saved = tmp_path / "saved.eml"
    saved.write_bytes(mail(sender="Who <who@nowhere.test>", message_id="shell-1@nowhere.test"))
    for _time in (1, 2):  # delivered twice (an MTA retry): stored once, the same line
        done = subprocess.run([sys.executable, "-m", "flask", "mail", "ingest", str(saved)], cwd=ROOT, env=env,
                              capture_output=True, timeout=60)
        assert done.returncode == 0, done.stderr.decode()[-2000:]
        [line] = done.stdout.decode().strip().splitlines()
        assert json.loads(line) == {"quarantined": 1, "reason": "unknown sender"}
