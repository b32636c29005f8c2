"""The development server: `flask serve` runs the web app, one worker, a console
mail sink and (without REDIS_URL) the embedded Redis, and stops them together."""
import os
import signal
import socket
import subprocess
import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from werkzeug.serving import run_simple

from app.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from app.jobs.embedded import EmbeddedRedis, die_with_parent


def _free_port(preferred: int) -> int:
    """``preferred`` if nothing listens there on 127.0.0.1, else a port the system picks."""
    for candidate in (preferred, 0):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", candidate))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise OSError("no free port on 127.0.0.1")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.option("--mail-sink/--no-mail-sink", default=None,
              help="Print outgoing mail here instead of sending it (default: on unless MAIL_SERVER is set).")
@with_appcontext
def serve(host: str, port: int, mail_sink: bool | None) -> None:
    """Development server: web, one worker and (without REDIS_URL) the embedded Redis."""
    app = current_app._get_current_object()
    env = dict(os.environ, FLASK_APP=os.environ.get("FLASK_APP", "wsgi"))
    children: list[subprocess.Popen] = []
    embedded = None

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        if not app.config["REDIS_URL"]:
            embedded = EmbeddedRedis(app.instance_path).start()
            env["REDIS_URL"] = app.config["REDIS_URL"] = embedded.url
        if mail_sink is None:
            mail_sink = "MAIL_SERVER" not in os.environ
        if mail_sink:
            sink_port = _free_port(port + 25)
            env.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=str(sink_port))
            children.append(subprocess.Popen(
                [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{sink_port}", "-c", "aiosmtpd.handlers.Debugging"],
                preexec_fn=die_with_parent))
        children.append(subprocess.Popen([sys.executable, "-m", "flask", "worker"], env=env, preexec_fn=die_with_parent))
        click.echo(f"\n  Zayavka is running on http://{host}:{port}/  (Ctrl-C stops it)\n")
        if mail_sink:
            click.echo("  Outgoing mail (password links …) is printed in this terminal.\n")
        click.echo(f"  Demo accounts, password '{DEMO_PASSWORD}':")
        for email, role in DEMO_ACCOUNTS:
            click.echo(f"    {email:32} {role}")
        click.echo("")
        run_simple(host, port, app, threaded=True, use_reloader=False)
    except KeyboardInterrupt:
        pass
    finally:
        for child in children:
            child.terminate()
        for child in children:
            try:
                child.wait(15)
            except subprocess.TimeoutExpired:
                child.kill()
        if embedded:
            embedded.stop()
        click.echo("Zayavka stopped.")
