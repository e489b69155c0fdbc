"""A real `redis-server` for the tests: started on a free 127.0.0.1 port in a temporary
directory with AOF on (so a kill or restart test loses what Redis would really lose), and
stopped by its pid. No fake: the bridge's transactions are Redis's own.

`bash scripts/test` installs `redis-server` from the system packages when it is missing.
"""

from __future__ import annotations

import pathlib
import shutil
import socket
import subprocess
import time

DEADLINE = 10.0


class RedisServer:
    """One redis-server process; `url` for clients, `restart()` keeps its data (AOF)."""

    def __init__(self, directory: pathlib.Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError(
                "redis-server is not installed: run `bash scripts/test` (it installs it with "
                "apt-get), or `apt-get install -y redis-server`"
            )
        self.binary = binary
        self.directory = directory
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port: int = sock.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the server and wait until it answers."""
        command = [
            self.binary,
            *("--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory)),
            *("--appendonly", "yes", "--appendfsync", "always", "--save", ""),
            *("--daemonize", "no", "--protected-mode", "no", "--loglevel", "warning"),
        ]
        self._process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + DEADLINE
        while not self._answers():
            if self._process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.02)

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self, *, kill: bool = False) -> None:
        """Stop the server (SIGTERM, or SIGKILL with `kill=True`) and wait for it."""
        process, self._process = self._process, None
        if process is None:
            return
        if kill:
            process.kill()
        else:
            process.terminate()
        process.wait(timeout=DEADLINE)

    def restart(self, *, kill: bool = False) -> None:
        """Stop and start again on the same port, with the same data directory."""
        self.stop(kill=kill)
        self.start()
