"""`flask serve` — what `make run` starts: web, worker, embedded Redis and a mail
sink, all stopped together."""
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import psutil

from tests import factories

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def command_lines(processes) -> list[str]:
    """Command lines of the processes still running (a job's finished work horse may be a zombie for a moment)."""
    lines = []
    for process in processes:
        try:
            lines.append(" ".join(process.cmdline()))
        except (psutil.ZombieProcess, psutil.NoSuchProcess):
            pass
    return lines


def test_serve_runs_everything_and_stops_everything(app, db, tmp_path):
    factories.make_user("agent", email="agent@provider.test")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "MAIL_SERVER")}
    env.update(FLASK_APP="wsgi", ZAYAVKA_INSTANCE_PATH=str(tmp_path), BASE_URL=f"http://127.0.0.1:{port}",
               DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], PYTHONUNBUFFERED="1")
    server = subprocess.Popen([sys.executable, "-m", "flask", "serve", "--port", str(port)], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(iter(server.stdout.readline, "")), daemon=True)
    reader.start()
    try:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                page = opener.open(f"{base}/password/forgot", timeout=5).read().decode()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError("flask serve did not answer")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"csrf_token": token, "email": "agent@provider.test"}).encode()
        opener.open(f"{base}/password/forgot", data=form, timeout=10)

        children = psutil.Process(server.pid).children(recursive=True)
        names = " ".join(command_lines(children))
        assert "redis-server" in names and "flask worker" in names and "aiosmtpd" in names, "".join(output)

        # The worker sends the reset mail; the sink prints it.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and f"{base}/password/reset/" not in "".join(output):
            time.sleep(0.2)
        assert f"{base}/password/reset/" in "".join(output)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    gone, alive = psutil.wait_procs(children, timeout=15)
    assert not alive, f"left running: {alive}"
    assert not (tmp_path / "redis.sock").exists()
