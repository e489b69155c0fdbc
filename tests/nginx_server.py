"""A real nginx for the tests: TLS with a test CA made here by the `openssl` CLI, proxying a
sandbox on 127.0.0.1, started in a temporary directory (its own config, pid file and logs) and
stopped by its pid. No fake: the 502s, 504s and handshakes the SDK meets are nginx's own.

`bash scripts/test` installs `nginx` from the system packages when it is missing.
"""

from __future__ import annotations

import pathlib
import shutil
import signal
import socket
import subprocess
import time

import attrs

DEADLINE = 10.0
HANDSHAKE_FAILED = ("SSL_do_handshake() failed", "peer closed connection in SSL handshake")
"""What nginx's error log (level info) says about a TLS handshake a client broke off: the
first when the client sent an alert nginx read, the second when it closed right after it.
(A bare TCP probe such as `_answers` logs "client closed connection", counted by neither.)"""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def _binary(name: str) -> str:
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if path is None:
        raise RuntimeError(
            f"{name} is not installed: run `bash scripts/test` (it installs it with apt-get), "
            f"or `apt-get install -y {name}`"
        )
    return path


@attrs.frozen
class Certificates:
    """A CA, a server certificate it signed for 127.0.0.1, and an unrelated second CA."""

    ca: pathlib.Path
    cert: pathlib.Path
    key: pathlib.Path
    other_ca: pathlib.Path

    @classmethod
    def create(cls, directory: pathlib.Path) -> Certificates:
        """Generate every file in `directory` (EC keys, valid for a day)."""
        ca, ca_key = _make_ca(directory, "ca", "eightbyeight test CA")
        other_ca, _ = _make_ca(directory, "other-ca", "eightbyeight other CA")
        key, csr, cert = (directory / f"server.{ext}" for ext in ("key", "csr", "pem"))
        extensions = directory / "server.ext"
        extensions.write_text(
            "basicConstraints = critical, CA:FALSE\n"
            "keyUsage = critical, digitalSignature\n"
            "extendedKeyUsage = serverAuth\n"
            "subjectAltName = IP:127.0.0.1\n"
            "subjectKeyIdentifier = hash\n"
            "authorityKeyIdentifier = keyid\n"
        )
        _openssl(*_NEW_KEY, "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", csr)
        _openssl(
            *("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial"),
            *("-days", "1", "-extfile", extensions, "-out", cert),
        )
        return cls(ca=ca, cert=cert, key=key, other_ca=other_ca)


_NEW_KEY = ("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")


def _make_ca(directory: pathlib.Path, name: str, subject: str) -> tuple[pathlib.Path, pathlib.Path]:
    cert, key = directory / f"{name}.pem", directory / f"{name}.key"
    _openssl(
        *_NEW_KEY,
        *("-x509", "-days", "1", "-subj", f"/CN={subject}", "-keyout", key, "-out", cert),
        *("-addext", "basicConstraints = critical, CA:TRUE"),
        *("-addext", "keyUsage = critical, keyCertSign, cRLSign"),
    )
    return cert, key


def _openssl(*args: str | pathlib.Path) -> None:
    subprocess.run(
        [_binary("openssl"), *map(str, args)], check=True, capture_output=True, timeout=DEADLINE
    )


CONFIG = """\
daemon off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log info;
events {{ worker_connections 256; }}
http {{
    log_format statuses '$status $request_method $request_uri';
    access_log {dir}/access.log statuses;
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    proxy_http_version 1.1;
    proxy_set_header Host $http_host;
    proxy_set_header Connection "";
    proxy_next_upstream off;
    proxy_max_temp_file_size 0;
    proxy_connect_timeout 2s;
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        location / {{
            proxy_pass http://127.0.0.1:{upstream};
            proxy_read_timeout {read_timeout}s;
        }}
        location /api/streaming/ {{
            proxy_pass http://127.0.0.1:{upstream};
            proxy_buffering off;
            proxy_read_timeout 60s;
        }}
    }}
}}
"""
"""Stats and the rest read with a short timeout (a stall becomes a 504); the SAPI stream is
passed through unbuffered with a long one. `proxy_next_upstream off`: nginx never retries."""


class NginxServer:
    """One nginx master process on a free port in front of `upstream_port`; `url` for clients."""

    def __init__(
        self,
        directory: pathlib.Path,
        certificates: Certificates,
        *,
        upstream_port: int,
        read_timeout: int = 1,
    ) -> None:
        self.binary = _binary("nginx")
        self.directory = directory
        self.port = free_port()
        self.url = f"https://127.0.0.1:{self.port}"
        self.config = directory / "nginx.conf"
        self.config.write_text(
            CONFIG.format(
                dir=directory,
                port=self.port,
                upstream=upstream_port,
                cert=certificates.cert,
                key=certificates.key,
                read_timeout=read_timeout,
            )
        )
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start nginx (its master in the foreground, so the pid is ours) and wait until it
        accepts connections."""
        command = [self.binary, "-p", str(self.directory), "-c", str(self.config)]
        command += ["-e", str(self.directory / "error.log")]
        self._process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + DEADLINE
        while not self._answers():
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"nginx did not start on port {self.port}:\n{self.errors()}")
            time.sleep(0.02)

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def stop(self) -> None:
        """Fast shutdown (SIGTERM to the master, which stops its worker) and wait for it."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=DEADLINE)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=DEADLINE)
            raise

    def responses(self) -> list[tuple[int, str]]:
        """(status, path?query) of every response nginx sent so far, from its access log."""
        lines = (self.directory / "access.log").read_text().splitlines()
        return [(int(status), path) for status, _, path in map(str.split, lines)]

    def handshake_failures(self) -> int:
        """How many TLS handshakes a client broke off (e.g. rejecting the certificate)."""
        errors = self.errors()
        return sum(errors.count(text) for text in HANDSHAKE_FAILED)

    def wait_handshake_failures(self, count: int) -> int:
        """Until at least `count` handshakes failed (nginx logs a client's alert a moment after
        the client gave up), at most `DEADLINE` seconds; returns how many did."""
        deadline = time.monotonic() + DEADLINE
        while self.handshake_failures() < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.handshake_failures()

    def errors(self) -> str:
        """nginx's error log so far (level info)."""
        log = self.directory / "error.log"
        return log.read_text() if log.exists() else ""
