"""`make bench`: the main pages, exports and writes at two sizes, interleaved,
against the budgets of issue 14; the report in docs/benchmarks.md.

1. The data (databases.py): ``bench_10k`` and ``bench_1m`` on the PostgreSQL
   server BENCH_DATABASE_URL names (the local one by default), built with
   ``manage.py generate_dataset`` and kept while their stamp matches; each
   run measures fresh copies of them (``bench_<size>_run``).
2. Pages and exports (measure.py): server time and queries, one measuring
   process per size, in turn, request by request.
3. Exports against COPY (exports.py): gunicorn with one worker, a fresh one
   per download, its memory read from /proc.
4. Throughput and the encounter POST (throughput.py): gunicorn as `make serve`
   runs it (server.py), 4 clients, then 8 peers writing at once.
5. The budgets (budgets.py), the report (report.py) in docs/benchmarks.md,
   and every figure in bench-results/ (ignored by git). Exits 1 when a budget
   fails, after writing the report.

Settings, from the environment (all optional): BENCH_SIZES ("10k,1m"; a
quick run: "2k,20k"), BENCH_DATABASE_URL, BENCH_SEED (14),
BENCH_BUSY_ENCOUNTERS (1500, at most half the smaller size), BENCH_REQUESTS
(50), BENCH_WARMUP (3), BENCH_THROUGHPUT_SECONDS (10), BENCH_THROUGHPUT_ROUNDS
(3), BENCH_EXPORT_DOWNLOADS (3), BENCH_POST_ROUNDS (8), BENCH_WORKERS (2),
BENCH_SEARCH (the name fragment; by default the commonest first three
letters of a name), BENCH_ONLY (some of pages,exports,throughput,posts),
BENCH_REBUILD (build the data even if the stamp matches), BENCH_RESULTS,
BENCH_REPORT.
"""

import base64
import csv
import hashlib
import json
import os
import platform
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib.metadata import version
from pathlib import Path

from . import budgets, databases, exports, measure, report, throughput
from .pages import EXPORTS, PAGES, POST_KEY, THROUGHPUT, USERNAMES
from .server import Server, serve_options

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
PHASES = ("pages", "exports", "throughput", "posts")
# The bench's data is synthetic and its databases are the bench's own: fixed
# keys, so that a database built by one run is read by the next (notes are
# encrypted at rest, research pseudonyms are keyed).
NOTE_KEY = base64.urlsafe_b64encode(hashlib.sha256(b"peersupport make bench notes").digest())
PSEUDONYM_KEY = hashlib.sha256(b"peersupport make bench pseudonyms").hexdigest()
THROUGHPUT_CLIENTS = 4
WRITERS = 8


def say(message: str) -> None:
    print(f"== bench: {message}", flush=True)


@dataclass
class Settings:
    sizes: list[databases.Size]
    server: str
    seed: int
    busy: int
    requests: int
    warmup: int
    throughput_seconds: float
    throughput_rounds: int
    export_downloads: int
    post_rounds: int
    workers: int
    search: str
    phases: tuple[str, ...]
    rebuild: bool
    results: Path
    report: Path
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(64))

    @classmethod
    def from_environment(cls, environ: dict[str, str]) -> "Settings":
        def number(name: str, default: int) -> int:
            return int(environ.get(name) or default)

        sizes = databases.parse_sizes(environ.get("BENCH_SIZES") or databases.DEFAULT_SIZES)
        phases = tuple(
            p.strip() for p in (environ.get("BENCH_ONLY") or ",".join(PHASES)).split(",")
        )
        unknown = set(phases) - set(PHASES)
        if unknown:
            raise ValueError(f"BENCH_ONLY names unknown parts {sorted(unknown)}; known: {PHASES}")
        return cls(
            sizes=sizes,
            server=environ.get("BENCH_DATABASE_URL") or DEFAULT_SERVER,
            seed=number("BENCH_SEED", 14),
            busy=min(number("BENCH_BUSY_ENCOUNTERS", 1500), sizes[0].encounters // 2),
            requests=number("BENCH_REQUESTS", 50),
            warmup=number("BENCH_WARMUP", 3),
            throughput_seconds=float(environ.get("BENCH_THROUGHPUT_SECONDS") or 10),
            throughput_rounds=number("BENCH_THROUGHPUT_ROUNDS", 3),
            export_downloads=number("BENCH_EXPORT_DOWNLOADS", 3),
            post_rounds=number("BENCH_POST_ROUNDS", 8),
            workers=number("BENCH_WORKERS", 2),
            search=environ.get("BENCH_SEARCH", ""),
            phases=phases,
            rebuild=(environ.get("BENCH_REBUILD") or "").lower() in ("1", "true", "yes"),
            results=Path(environ.get("BENCH_RESULTS") or ROOT / "bench-results"),
            report=Path(environ.get("BENCH_REPORT") or ROOT / "docs" / "benchmarks.md"),
        )


def process_env(settings: Settings, database_url: str, *, bench_settings: bool = True) -> dict:
    """The production configuration (debug off, two-factor required, Secure
    cookies behind a TLS proxy), on ``database_url``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_DEBUG="false",
        SECRET_KEY=settings.secret_key,
        ALLOWED_HOSTS=measure.HOST,
        DATABASE_URL=database_url,
        NOTE_ENCRYPTION_KEYS=NOTE_KEY.decode(),
        RESEARCH_PSEUDONYM_KEY=PSEUDONYM_KEY,
        BEHIND_TLS_PROXY="true",
        SECURE_SSL_REDIRECT="false",
        # At a million encounters one round of slow pages can outlast the idle
        # limit between two requests of one persona: its session must not end.
        SESSION_IDLE_MINUTES="1440",
        SESSION_ABSOLUTE_HOURS="72",
    )
    if bench_settings:
        env["DJANGO_SETTINGS_MODULE"] = "scripts.bench.settings"
    return env


def manage(env: dict, *arguments: str, capture: bool = False) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE if capture else None,
        text=True,
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {arguments[0]} exited with {done.returncode}")
    return done.stdout or ""


def last_json_line(output: str) -> dict:
    for line in reversed(output.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError(f"generate_dataset printed no JSON line:\n{output[-2000:]}")


def generator_options(env: dict, day: str) -> list[str]:
    """What the generator needs beyond its sizes, as far as it offers it:
    ``--force`` (the bench runs with debug off, its data is generated) and
    ``--today`` (both sizes' histories end on the same day)."""
    offered = manage(env, "generate_dataset", "--help", capture=True)
    options = ["--force"] if "--force" in offered else []
    return options + (["--today", day] if "--today" in offered else [])


def build(settings: Settings, size: databases.Size, wanted: dict, day: str) -> dict:
    """Build ``size``'s database with the generator; its stamp goes on it last,
    so a build cut short is built again next time."""
    say(f"{size.database}: building ({size.encounters:,} encounters)")
    started = time.monotonic()
    url = databases.database_url(settings.server, size.database)
    env = process_env(settings, url, bench_settings=False)
    databases.recreate(settings.server, size.database)
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    output = manage(
        env,
        "generate_dataset",
        *size.arguments(seed=settings.seed, busy=settings.busy),
        *generator_options(env, day),
        capture=True,
    )
    generated = last_json_line(output)
    databases.vacuum_analyze(url)
    seconds = time.monotonic() - started
    databases.write_stamp(
        settings.server,
        size.database,
        {**wanted, "generated": generated, "today": day, "built": datetime.now().isoformat()},
    )
    say(f"{size.database}: built in {seconds:.0f} s: {json.dumps(generated)}")
    return {"reused": False, "generated": generated, "build_seconds": seconds, "today": day}


def prepare_data(settings: Settings) -> list[dict]:
    """Each size's database, built or reused, and this run's copy of it."""
    migrations = databases.latest_migrations(ROOT)
    generator = databases.generator_digest(ROOT)
    wanted = {
        size.label: databases.wanted_stamp(
            size,
            seed=settings.seed,
            busy=settings.busy,
            migrations=migrations,
            generator=generator,
        )
        for size in settings.sizes
    }
    stamps = {
        size.label: databases.read_stamp(settings.server, size.database) for size in settings.sizes
    }
    kept = {
        label: stamp
        for label, stamp in stamps.items()
        if not settings.rebuild and stamp is not None and databases.reusable(stamp, wanted[label])
    }
    day = databases.history_day(kept.values(), date.today().isoformat())
    sizes = []
    for size in settings.sizes:
        info: dict = {
            "label": size.label,
            "database": size.database,
            "busy_encounters": settings.busy,
        }
        if size.label in kept:
            say(f"{size.database}: reused (its stamp matches)")
            stamp = kept[size.label]
            info.update(reused=True, generated=stamp.get("generated"), today=stamp.get("today"))
        else:
            info.update(build(settings, size, wanted[size.label], day))
        run_copy = size.database + "_run"
        databases.recreate(settings.server, run_copy, template=size.database)
        info["run_url"] = databases.database_url(settings.server, run_copy)
        sizes.append(info)
    return sizes


def machine_facts(settings: Settings) -> dict:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": memory_kb / 1024 / 1024,
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": version("django"),
        "gunicorn": version("gunicorn"),
        "postgresql": databases.server_facts(settings.server),
    }


def alternate(labels: list[str], number: int) -> list[str]:
    """The sizes in turn, the first first in even rounds and last in odd ones."""
    return labels if number % 2 == 0 else labels[::-1]


def run_pages(settings, workers, contexts, results, folder, timeout) -> None:
    pages = [*PAGES, *EXPORTS]
    say(f"pages and exports: {len(pages)} x {settings.requests} requests at each size")
    samples = measure.measure_pages(
        workers,
        pages,
        contexts,
        requests=settings.requests,
        warmup=settings.warmup,
        limit=timeout,
        say=say,
    )
    with (folder / "pages.csv").open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["persona", "path", "size", "seconds", "queries", "status", "bytes"])
        for page in pages:
            for label, taken in samples[page.key].items():
                for sample in taken:
                    writer.writerow(
                        [page.persona, page.url(contexts[label]), label]
                        + [sample[key] for key in ("seconds", "queries", "status", "bytes")]
                    )
    results["pages"] = [
        {
            "key": page.key,
            "persona": page.persona,
            "path": page.path,
            "export": page.is_export,
            "q": contexts[next(iter(contexts))]["q"],
            "by_size": {
                label: measure.summarize(taken) for label, taken in samples[page.key].items()
            },
        }
        for page in pages
    ]


def start_servers(settings, sizes, options, *, workers, folder) -> dict[str, Server]:
    servers = {}
    for size in sizes:
        log = folder / f"gunicorn-{size['label']}-{workers}w.log"
        servers[size["label"]] = Server(
            ROOT, process_env(settings, size["run_url"]), options, workers=workers, log=log
        ).start()
    return servers


def stop(servers: dict[str, Server]) -> None:
    for one in servers.values():
        one.stop()


def run_exports(settings, sizes, options, workers, results, folder) -> None:
    labels = [size["label"] for size in sizes]
    say(f"exports against COPY: {settings.export_downloads} downloads of each at each size")
    cookies = {
        label: workers[label].call("sessions", persona="researcher", count=1)[0] for label in labels
    }
    servers = start_servers(settings, sizes, options, workers=1, folder=folder)
    downloads: dict[str, dict[str, list[dict]]] = {
        p.key: {label: [] for label in labels} for p in EXPORTS
    }
    try:
        for number in range(settings.export_downloads):
            for page in EXPORTS:
                for label in alternate(labels, number):
                    one = exports.download_export(
                        servers[label],
                        cookies[label],
                        page.path,
                        folder,
                        csv_file="format=csv" in page.path,
                    )
                    downloads[page.key][label].append(one)
                    say(
                        f"{page.path} at {label}: {one['seconds']:.2f} s, "
                        f"{one['bytes'] / 1e6:.1f} MB, memory +{one['peak_mb']:.1f} MB"
                    )
    finally:
        stop(servers)
    copies: dict[tuple[str, str], dict] = {}
    for page in EXPORTS:
        for label in labels:
            if (page.rows, label) not in copies:
                copies[page.rows, label] = workers[label].call(
                    "copy", rows=page.rows, persona="researcher", repeats=settings.export_downloads
                )
                say(
                    f"COPY of the {page.rows} rows at {label}: "
                    f"{copies[page.rows, label]['rows']:,} rows"
                )
    (folder / "copy-statements.txt").write_text(
        "\n\n".join(
            f"-- {rows} at {label}\n{copy['statement']}" for (rows, label), copy in copies.items()
        )
    )
    results["exports"] = [
        {
            "key": page.key,
            "path": page.path,
            "rows_of": page.rows,
            "by_size": {
                label: exports.summarize_downloads(
                    downloads[page.key][label], copies[page.rows, label]
                )
                for label in labels
            },
        }
        for page in EXPORTS
    ]


def run_throughput_and_posts(settings, sizes, options, workers, results, folder) -> None:
    labels = [size["label"] for size in sizes]
    servers = start_servers(settings, sizes, options, workers=settings.workers, folder=folder)
    try:
        if "throughput" in settings.phases:
            say(
                f"throughput: {THROUGHPUT_CLIENTS} clients, {settings.throughput_rounds} rounds of "
                f"{settings.throughput_seconds:.0f} s for each page at each size"
            )
            cookies = {
                label: workers[label].call(
                    "sessions", persona="coordinator", count=THROUGHPUT_CLIENTS
                )
                for label in labels
            }
            runs = []
            for number in range(settings.throughput_rounds + 1):
                for target, path in THROUGHPUT.items():
                    for label in alternate(labels, number):
                        # Round 0 warms the workers up and is not counted.
                        seconds = 2.0 if number == 0 else settings.throughput_seconds
                        one = throughput.requests_per_second(
                            servers[label].port, cookies[label], path, seconds
                        )
                        if number:
                            runs.append({**one, "target": target, "size": label})
                            say(
                                f"{target} at {label}: "
                                f"{one['requests'] / one['seconds']:.1f} requests/s"
                            )
            results["throughput_runs"] = runs
            results["throughput"] = {
                label: {
                    target: throughput.rate(
                        [run for run in runs if run["size"] == label and run["target"] == target]
                    )
                    for target in THROUGHPUT
                }
                for label in labels
            }
        if "posts" in settings.phases:
            say(
                f"encounter POST: {WRITERS} peers at once, {settings.post_rounds} rounds "
                "at each size"
            )
            writers = {
                label: throughput.EncounterWriters(
                    servers[label].port,
                    workers[label].call("sessions", persona="peer", count=WRITERS),
                    settings.seed,
                )
                for label in labels
            }
            posts: dict[str, list[dict]] = {label: [] for label in labels}
            for number in range(settings.post_rounds + 1):
                for label in alternate(labels, number):
                    done = writers[label].round()
                    if number:  # round 0 warms up
                        posts[label].extend(done)
            for writer in writers.values():
                writer.close()
            results["post"] = {
                "key": POST_KEY,
                "by_size": {label: throughput.summarize_posts(posts[label]) for label in labels},
            }
    finally:
        stop(servers)


def main() -> int:
    started = time.monotonic()
    settings = Settings.from_environment(dict(os.environ))
    folder = settings.results
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        if old.is_file():
            old.unlink()
    options = serve_options(ROOT)
    say(
        f"sizes {', '.join(s.label for s in settings.sizes)}; gunicorn as make serve: "
        f"{options.worker_class}, {options.threads} threads, time-out {options.timeout} s; "
        f"results in {folder}"
    )
    sizes = prepare_data(settings)
    first_env = process_env(settings, sizes[0]["run_url"])
    # Production settings serve the collected, hashed static files.
    manage(first_env, "collectstatic", "--no-input", "--verbosity", "0")
    results: dict = {
        "date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "machine": machine_facts(settings),
        "server": {
            "workers": settings.workers,
            "worker_class": options.worker_class,
            "threads": options.threads,
            "timeout": options.timeout,
            "command": options.command,
        },
        "settings": {
            "requests": settings.requests,
            "warmup": settings.warmup,
            "throughput": (
                f"{settings.throughput_rounds} rounds of {settings.throughput_seconds:.0f} s"
            ),
            "export_downloads": settings.export_downloads,
            "post_rounds": settings.post_rounds,
            "phases": list(settings.phases),
        },
        "sizes": [
            {key: value for key, value in size.items() if key != "run_url"} for size in sizes
        ],
    }
    workers: dict[str, measure.WorkerProcess] = {}
    try:
        with (folder / "measure.log").open("a") as log:
            for size in sizes:
                workers[size["label"]] = measure.WorkerProcess(
                    process_env(settings, size["run_url"]), str(ROOT), log
                )
            contexts = {}
            for size in sizes:
                worker = workers[size["label"]]
                worker.call("prepare", usernames=USERNAMES)
                generated = size.get("generated") or {}
                contexts[size["label"]] = worker.call(
                    "context", busy=generated.get("busy_person_pk")
                )
            # One fragment for both sizes, so that both search for the same thing.
            search = settings.search or contexts[sizes[0]["label"]]["q"]
            for context in contexts.values():
                context["q"] = search
            say(f"busy person and search: {json.dumps(contexts)}")
            if "pages" in settings.phases:
                run_pages(settings, workers, contexts, results, folder, options.timeout)
            if "exports" in settings.phases:
                run_exports(settings, sizes, options, workers, results, folder)
            if {"throughput", "posts"} & set(settings.phases):
                run_throughput_and_posts(settings, sizes, options, workers, results, folder)
    finally:
        for worker in workers.values():
            worker.close()
    results["duration_minutes"] = (time.monotonic() - started) / 60
    verdicts = budgets.check(results)
    (folder / "results.json").write_text(json.dumps(results, indent=1, default=str))
    report.write(settings.report, results, verdicts)
    for verdict in verdicts:
        if not verdict.ok:
            say(f"FAILS {verdict.budget}: {verdict.subject}: {verdict.detail}")
    ok = budgets.passed(verdicts)
    say(
        f"{'all budgets hold' if ok else 'budgets FAIL'} "
        f"({sum(v.ok for v in verdicts)} of {len(verdicts)} checks pass); "
        f"report in {settings.report}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
