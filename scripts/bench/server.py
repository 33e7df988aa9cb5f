"""gunicorn as `make serve` runs it, and a plain HTTP client for it.

The worker class, threads and time-out are read from `make serve` itself:
its gunicorn command (``make --dry-run serve``) is run with
``--print-config``, which resolves the environment, any gunicorn.conf.py and
gunicorn's own defaults exactly as `make serve` would, and prints them.

The client is ``http.client`` with one kept-alive connection and its own
cookie dictionary: the app (debug off) sets Secure cookies, and the bench
speaks plain HTTP on loopback while telling the app it is behind a TLS proxy
(``X-Forwarded-Proto: https``), as the load test does.
"""

import gzip
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlencode

GUNICORN_DEFAULT_TIMEOUT = 30
ACCEPT_ENCODING = "gzip, deflate, br"


@dataclass(frozen=True)
class ServeOptions:
    timeout: int
    worker_class: str
    threads: int
    command: str

    def arguments(self) -> list[str]:
        return [
            *("--timeout", str(self.timeout)),
            *("--worker-class", self.worker_class),
            *("--threads", str(self.threads)),
        ]


def gunicorn_line(dry_run: str) -> str | None:
    """The gunicorn command among the commands `make --dry-run serve` prints."""
    for line in dry_run.splitlines():
        words = line.split()
        if words and (words[0].endswith("/gunicorn") or words[0] == "gunicorn"):
            return line.strip()
        if len(words) > 2 and words[1:3] == ["-m", "gunicorn"]:
            return line.strip()
    return None


def parse_print_config(text: str) -> dict[str, str]:
    """gunicorn's ``--print-config`` output: one ``name = value`` a line."""
    settings = {}
    for line in text.splitlines():
        match = re.match(r"^(\w+)\s+=\s?(.*)$", line)
        if match:
            settings[match.group(1)] = match.group(2).strip()
    return settings


def serve_options(root: Path, env: dict[str, str] | None = None) -> ServeOptions:
    """The time-out, worker class and threads `make serve` gives gunicorn."""
    env = dict(os.environ if env is None else env)
    dry_run = subprocess.run(
        ["make", "--dry-run", "--no-print-directory", "serve"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    ).stdout
    line = gunicorn_line(dry_run)
    if line is None:
        return ServeOptions(GUNICORN_DEFAULT_TIMEOUT, "sync", 1, "(no gunicorn line in make serve)")
    printed = subprocess.run(
        ["sh", "-c", f"{line} --print-config"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    settings = parse_print_config(printed.stdout)
    if "timeout" not in settings:
        raise RuntimeError(f"gunicorn --print-config gave nothing for: {line}\n{printed.stderr}")
    return ServeOptions(
        timeout=int(settings["timeout"]),
        worker_class=settings.get("worker_class", "sync"),
        threads=int(settings.get("threads", "1")),
        command=line,
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (gunicorn's workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if re.fullmatch(r"[0-9]+", entry.name) is None:
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces; the parent follows it.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


class Server:
    """gunicorn on a free loopback port, with the bench's settings."""

    def __init__(
        self, root: Path, env: dict[str, str], options: ServeOptions, *, workers: int, log: Path
    ):
        self.root = root
        self.env = env
        self.options = options
        self.timeout = options.timeout
        self.workers = workers
        self.log = log
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> "Server":
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [
                    *(sys.executable, "-m", "gunicorn", "peersupport.wsgi"),
                    *("--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers)),
                    *self.options.arguments(),
                    *("--access-logfile", "-"),
                ],
                cwd=self.root,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.wait_until_up()
        return self

    def wait_until_up(self, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        process = self._running()
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn stopped (exit {process.returncode}):\n"
                    + self.log.read_text()[-3000:]
                )
            if len(children(process.pid)) == self.workers:
                try:
                    if Browser(self.port, {}, timeout=5).get("/healthz").status == 200:
                        return
                except OSError:
                    pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer /healthz in {seconds:.0f} s")

    def _running(self) -> subprocess.Popen:
        if self.process is None:
            raise RuntimeError("gunicorn was not started")
        return self.process

    def worker_pids(self) -> list[int]:
        return children(self._running().pid)

    def fresh_worker(self) -> int:
        """Replace the workers by new ones (gunicorn starts one for each that
        stops), and return the pid of the first: memory measured in it owes
        nothing to an earlier request."""
        old = set(self.worker_pids())
        for pid in old:
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            pids = self.worker_pids()
            if len(pids) == self.workers and not old & set(pids):
                self.wait_until_up()
                return pids[0]
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not replace its workers within 60 s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@dataclass
class Answer:
    status: int
    headers: Any
    body: bytes
    seconds: float
    complete: bool = True

    @property
    def text(self) -> str:
        """The page as a browser reads it: unpacked when it came gzipped."""
        body = self.body
        if (self.headers.get("Content-Encoding") or "").strip() == "gzip":
            body = gzip.decompress(body)
        return body.decode("utf-8", "replace")


class Browser:
    """One person's tab: a kept-alive connection and its cookies."""

    CHUNK = 64 * 1024

    def __init__(self, port: int, cookies: dict[str, str], *, timeout: float = 120):
        self.port = port
        self.cookies = dict(cookies)
        self.timeout = timeout
        self.connection: http.client.HTTPConnection | None = None
        self.origin = f"https://127.0.0.1:{port}"

    def get(self, path: str, *, sink: BinaryIO | None = None) -> Answer:
        return self.request("GET", path, sink=sink)

    def post(self, path: str, data: list[tuple[str, str]]) -> Answer:
        return self.request(
            "POST",
            path,
            body=urlencode(data).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        sink: BinaryIO | None = None,
    ) -> Answer:
        sent = {
            "Host": f"127.0.0.1:{self.port}",
            # The app is behind a TLS proxy (BEHIND_TLS_PROXY): it sees HTTPS.
            "X-Forwarded-Proto": "https",
            "Accept-Language": "en",
            # As browsers ask; the body is counted as it travels, never decoded.
            "Accept-Encoding": ACCEPT_ENCODING,
            "Referer": self.origin + "/",
            **(headers or {}),
        }
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        while True:
            reused = self.connection is not None
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=self.timeout
                )
            started = time.perf_counter()
            try:
                self.connection.request(method, path, body=body, headers=sent)
                response = self.connection.getresponse()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                # The server closed a kept-alive connection between two requests:
                # once more on a new one. A new connection failing is an answer.
                if reused:
                    continue
                raise
            break
        data, complete = b"", True
        try:
            while chunk := response.read(self.CHUNK):
                if sink is None:
                    data += chunk
                else:
                    sink.write(chunk)
        except (http.client.IncompleteRead, ConnectionError, TimeoutError):
            complete = False
            self.close()
        seconds = time.perf_counter() - started
        for cookie in response.msg.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.will_close:
            self.close()
        return Answer(response.status, response.msg, data, seconds, complete)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None
