"""`make loadtest`: fifty people using the app at once, then every accepted write checked.

1. A fresh PostgreSQL database (LOADTEST_DATABASE_URL, by default
   peersupport_loadtest on the local server; its name must contain
   "loadtest", as it is dropped and created again), migrated, with the demo
   data (``seed_demo --force``) and one account per simulated user
   (prepare.py), each with an authenticator app holding the run's key.
2. gunicorn on a free loopback port with production settings (debug off,
   two-factor sign-in required, Secure cookies behind a TLS proxy), as
   `make serve` runs it, LOADTEST_WORKERS workers (3, the `make serve` default).
3. locust, headless, LOADTEST_USERS users (50) for LOADTEST_TIME (5m), started
   LOADTEST_SPAWN_RATE a second (5), running tests/load/locustfile.py; it stops by itself.
4. writes.py: each write the generator counted as accepted is in the database
   exactly once, read through the model (note bodies are encrypted).

Stats (CSV, HTML report), the accepted writes, the server's log and a summary
go to LOADTEST_RESULTS (loadtest-results/, ignored by git). Exits non-zero on
any failed request (a server error, no answer, or a journey step that did not
get the answer a person would), or on a write missing or duplicated. The
database is kept after the run for a look; the next run drops it.
"""

import base64
import csv
import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
# The simulated users, among the tests (they import locust, a development
# requirement); run from HERE, so that they import this folder's modules.
LOCUSTFILE = ROOT / "tests" / "load" / "locustfile.py"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/peersupport_loadtest"
# Of every ten users: five peers, three clinicians, one researcher, one coordinator.
SHARES = {"clinician": 0.3, "researcher": 0.1, "coordinator": 0.1}


def split(users: int) -> dict[str, int]:
    """How many simulated users of each role: ``users`` in all, at least one peer."""
    counts = {role: round(users * share) for role, share in SHARES.items()}
    while sum(counts.values()) >= users and any(counts.values()):
        counts[max(counts, key=lambda role: counts[role])] -= 1
    return {"peer": users - sum(counts.values()), **counts}


def say(message: str) -> None:
    print(f"== loadtest: {message}", flush=True)


def fail(message: str) -> None:
    sys.exit(f"== loadtest FAILED: {message}")


def recreate_database(url: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.scheme not in ("postgres", "postgresql") or "loadtest" not in name:
        fail(f"LOADTEST_DATABASE_URL must name a PostgreSQL database with 'loadtest' in it: {url}")
    server = urlunsplit(parts._replace(path="/postgres"))
    connection = psycopg2.connect(server)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def run(env: dict, *arguments: str) -> None:
    done = subprocess.run([sys.executable, *arguments], cwd=ROOT, env=env)
    if done.returncode:
        fail(f"{' '.join(arguments[:2])} exited with {done.returncode}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(base: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            fail(f"gunicorn stopped (exit {server.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    fail(f"gunicorn did not answer /healthz within 90 s:\n{log.read_text()[-3000:]}")


def read_stats(path: Path) -> list[dict]:
    with path.open() as stats:
        return list(csv.DictReader(stats))


def journeys(rows: list[dict]) -> list[str]:
    """Requests, failures, p50 and p95 of each step, grouped by role."""
    lines = [f"{'step':58} {'requests':>8} {'failed':>6} {'p50 ms':>7} {'p95 ms':>7}"]
    by_role = defaultdict(list)
    for row in rows:
        role = row["Name"].split(":")[0] if row["Name"] != "Aggregated" else "all"
        by_role[role].append(row)
    for role in sorted(by_role, key=lambda role: role == "all"):
        for row in sorted(by_role[role], key=lambda row: row["Name"]):
            name = f"{row['Type']} {row['Name']}" if row["Type"] else row["Name"]
            lines.append(
                f"{name[:58]:58} {row['Request Count']:>8} {row['Failure Count']:>6} "
                f"{row['50%']:>7} {row['95%']:>7}"
            )
    return lines


def main() -> int:
    users = int(os.environ.get("LOADTEST_USERS") or 50)
    duration = os.environ.get("LOADTEST_TIME") or "5m"
    spawn_rate = os.environ.get("LOADTEST_SPAWN_RATE") or "5"
    workers = os.environ.get("LOADTEST_WORKERS") or "3"
    database = os.environ.get("LOADTEST_DATABASE_URL") or DEFAULT_DATABASE
    results = Path(os.environ.get("LOADTEST_RESULTS") or ROOT / "loadtest-results")
    results.mkdir(parents=True, exist_ok=True)
    for old in results.iterdir():
        if old.is_file():
            old.unlink()
    accepted, plan = results / "accepted.jsonl", results / "plan.json"

    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database,
        NOTE_ENCRYPTION_KEYS=base64.urlsafe_b64encode(os.urandom(32)).decode(),
        RESEARCH_PSEUDONYM_KEY=secrets.token_urlsafe(48),
        BEHIND_TLS_PROXY="true",
        SECURE_SSL_REDIRECT="false",
        # For prepare.py: every account's password and authenticator key, made for this run.
        LOADTEST_PASSWORD=secrets.token_urlsafe(18),
        LOADTEST_OTP_KEY=secrets.token_hex(20),
        LOADTEST_PLAN=str(plan),
        LOADTEST_ACCEPTED=str(accepted),
    )
    counts = split(users)
    say(f"fresh database {urlsplit(database).path.lstrip('/')}; results in {results}")
    recreate_database(database)
    run(env, "manage.py", "migrate", "--no-input", "--verbosity", "0")
    run(env, "manage.py", "seed_demo", "--force")
    run(env, str(HERE / "prepare.py"), str(plan), *(f"{r}={n}" for r, n in counts.items()))
    run(env, "manage.py", "collectstatic", "--no-input", "--verbosity", "0")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = results / "gunicorn.log"
    with log.open("w") as log_file:
        server = subprocess.Popen(
            [
                *(sys.executable, "-m", "gunicorn", "peersupport.wsgi"),
                *("--bind", f"127.0.0.1:{port}", "--workers", workers),
                *("--access-logfile", "-"),
            ],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_up(base, server, log)
        say(
            f"gunicorn ({workers} workers) on {base}; {users} users "
            f"({', '.join(f'{n} {r}' for r, n in counts.items())}) for {duration}"
        )
        started = time.monotonic()
        with (results / "locust.log").open("w") as locust_log:
            locust = subprocess.run(
                [
                    *(sys.executable, "-m", "locust", "-f", str(LOCUSTFILE)),
                    *("--headless", "--only-summary", "--host", base),
                    *("-u", str(users), "-r", spawn_rate, "-t", duration),
                    # Users finish the task under way: a write in flight is answered.
                    *("--stop-timeout", "30"),
                    *("--csv", str(results / "stats"), "--html", str(results / "report.html")),
                ],
                cwd=HERE,
                env=env,
                stdout=locust_log,
                stderr=subprocess.STDOUT,
            )
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()

    stats_file = results / "stats_stats.csv"
    if not stats_file.exists():
        print((results / "locust.log").read_text()[-3000:], file=sys.stderr)
        fail(f"locust exited with {locust.returncode} and wrote no statistics")
    rows = read_stats(stats_file)
    total = next(row for row in rows if row["Name"] == "Aggregated")
    failures = read_stats(results / "stats_failures.csv")

    check = subprocess.run(
        [sys.executable, str(HERE / "writes.py"), str(accepted)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if check.returncode:
        print(check.stderr[-3000:], file=sys.stderr)
        fail(f"the check of the writes exited with {check.returncode}")
    outcome = json.loads(check.stdout.strip().splitlines()[-1])
    verdict = outcome["verdict"]
    kinds = defaultdict(int)
    for line in accepted.read_text().splitlines() if accepted.exists() else []:
        kinds[json.loads(line)["kind"]] += 1

    summary = [
        f"{users} users for {duration} ({elapsed:.0f} s), gunicorn {workers} workers, "
        f"locust exit {locust.returncode}",
        f"{total['Request Count']} requests, {total['Failure Count']} failed, "
        f"p50 {total['50%']} ms, p95 {total['95%']} ms, {float(total['Requests/s']):.1f} req/s",
        "",
        *journeys(rows),
        "",
        *(
            f"FAILED {row['Method']} {row['Name']}: {row['Error']} x{row['Occurrences']}"
            for row in failures
        ),
        f"accepted writes: {', '.join(f'{n} {kind}s' for kind, n in kinds.items()) or 'none'}",
        f"{verdict['accepted']} accepted writes checked in the database: "
        f"{len(verdict['missing'])} missing, {len(verdict['duplicated'])} duplicated, "
        f"{len(verdict['unclaimed'])} saved but not counted (a request cut off at the end)",
        *(f"  MISSING {marker}" for marker in verdict["missing"][:20]),
        *(f"  DUPLICATED {marker} x{n}" for marker, n in list(verdict["duplicated"].items())[:20]),
    ]
    problems = []
    if int(total["Failure Count"]):
        problems.append(f"{total['Failure Count']} failed requests")
    if not outcome["ok"]:
        problems.append("writes missing or duplicated")
    if not verdict["accepted"]:
        problems.append("no write was accepted: the check would pass for nothing")
    summary.append("RESULT: " + ("FAILED: " + "; ".join(problems) if problems else "passed"))
    (results / "summary.txt").write_text("\n".join(summary) + "\n")
    print("\n".join(summary))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
