"""docs/benchmarks.md: what one run of `make bench` measured, and its verdicts."""

from pathlib import Path

from .budgets import Verdict, passed
from .stats import ratio

HOW = """\
How it is measured:

- **Pages and exports** (first table): Django's test client in a process of
  its own for each size, with the production settings (debug off, two-factor
  sessions, the whole middleware stack), on a copy of that size's database.
  Server time is the wall time from the request to the last byte of the
  response (streamed bodies read to the end); queries are counted with
  `CaptureQueriesContext` on every request (the table gives the most seen).
  The two sizes are interleaved: each round requests every page once at each
  size in turn, alternating which size goes first, so a slow moment of the
  machine falls on both. Warm-up rounds are not counted. p95 is the
  nearest-rank 95th percentile (of 50 times, the 48th smallest).
- **Throughput**: gunicorn with the worker class, threads and time-out of
  `make serve`, on loopback; 4 clients (threads with kept-alive connections
  and sessions of their own) request the same page as fast as they are
  answered, for a fixed time; rounds alternate between the pages compared and
  between the sizes. The admin change list is Django's, with the register's
  own admin class and as many people a page as `/clients/`; the one-query
  view and the admin site exist only in the bench's URLs.
- **Exports** (rows a second, memory): each export downloaded from gunicorn
  with one worker, replaced by a fresh one before each download; time to the
  last byte; memory is the worker's resident set from `/proc` (its peak during
  the download, `VmHWM` reset before it and `VmRSS` sampled every 5 ms, less
  what it held just before). The yardstick is PostgreSQL's
  `COPY (SELECT …) TO STDOUT WITH CSV` through psycopg2's `copy_expert`, of the
  same rows (the export's own policy or selector, every column of the table).
- **Encounter POST**: 8 peers' sessions open the encounter form, then send it
  at the same moment (only the POST is timed), under gunicorn.
- Every request asks for a compressed answer (`Accept-Encoding: gzip, deflate,
  br`) as browsers do; sizes are as sent. Sessions are made on the server
  (signed in, second factor given) rather than through the sign-in form: the
  bench measures pages, not sign-ins.
"""


def ms(seconds: float) -> str:
    value = seconds * 1000
    return f"{value:,.1f}" if value < 10 else f"{value:,.0f}"


def shown_path(row: dict) -> str:
    return row["path"].replace("{busy}", "<busy person>").replace("{q}", row.get("q", "…"))


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return lines


def _verdict_for(verdicts: list[Verdict], subject: str) -> str:
    found = [verdict for verdict in verdicts if verdict.subject == subject]
    if not found:
        return ""
    return "ok" if all(verdict.ok for verdict in found) else "**FAILS**"


def render(results: dict, verdicts: list[Verdict]) -> str:
    small, large = (size["label"] for size in results["sizes"])
    machine = results["machine"]
    server = results["server"]
    lines = [
        "# Benchmarks (`make bench`)",
        "",
        "Written by `make bench` (scripts/bench/); the last run's figures. "
        'README, "Benchmarks", says how to run it.',
        "",
        f"- **Date**: {results['date']} ({results['duration_minutes']:.0f} minutes)",
        f"- **Machine**: {machine['cpu']}, {machine['cores']} cores, "
        f"{machine['memory_gb']:.0f} GB of memory; {machine['os']}",
        f"- **PostgreSQL** {machine['postgresql']['version']} (local server; jit "
        f"{machine['postgresql']['jit']}, shared_buffers "
        f"{machine['postgresql']['shared_buffers']}, work_mem "
        f"{machine['postgresql']['work_mem']}); Python {machine['python']}, Django "
        f"{machine['django']}, gunicorn {machine['gunicorn']}",
        f"- **Server** (throughput, exports, POSTs): gunicorn, {server['workers']} workers "
        f"(1 for the exports), worker class {server['worker_class']}, {server['threads']} "
        f"threads, time-out {server['timeout']} s, read from `make serve` "
        f"(`{server['command']}`)",
        f"- **Requests**: {results['settings']['requests']} of each page at each size after "
        f"{results['settings']['warmup']} warm-up rounds; throughput "
        f"{results['settings']['throughput']}; "
        f"{results['settings']['export_downloads']} downloads of each export at each size",
        "",
        "## Verdict",
        "",
    ]
    failed = [verdict for verdict in verdicts if not verdict.ok]
    lines.append(
        f"**{'All budgets hold' if passed(verdicts) else 'Budgets fail'}**: "
        f"{len(verdicts) - len(failed)} of {len(verdicts)} checks pass."
    )
    if failed:
        lines.append("")
        lines.extend(f"- FAILS: {v.budget}: {v.subject}: {v.detail}" for v in failed)
    lines += ["", "## Sizes", ""]
    size_rows = []
    for size in results["sizes"]:
        made = size.get("generated") or {}
        size_rows.append(
            [
                size["label"],
                f"`{size['database']}`",
                *(
                    f"{made[key]:,}" if isinstance(made.get(key), int) else "?"
                    for key in ("people", "encounters", "notes", "logbook", "audit")
                ),
                f"{size['busy_encounters']:,}",
                size.get("today") or "?",
                "reused" if size["reused"] else f"built ({size.get('build_seconds', 0):.0f} s)",
            ]
        )
    lines += _table(
        [
            "size",
            "database",
            "people",
            "encounters",
            "notes",
            "logbook",
            "audit",
            "busy person's encounters",
            "history ends",
            "this run",
        ],
        size_rows,
    )
    lines += ["", HOW, "## Pages and exports: server time and queries", ""]

    def timings(row: dict) -> list[str]:
        at_small, at_large = row["by_size"][small], row["by_size"][large]
        return [
            ms(at_small["median"]),
            ms(at_small["p95"]),
            ms(at_large["median"]),
            ms(at_large["p95"]),
            f"{ratio(at_large['p95'], at_small['p95']):.2f}",
            # An export's budgets are rows a second and memory (their table).
            "see exports" if row.get("export") else _verdict_for(verdicts, row["key"]),
        ]

    def counted(row: dict) -> str:
        fewer = {
            label: at_size["n"]
            for label, at_size in row["by_size"].items()
            if at_size["n"] < results["settings"]["requests"]
        }
        return "".join(f" ({n} at {label}: over the time-out)" for label, n in fewer.items())

    page_rows = [
        [
            row["persona"],
            f"`{shown_path(row)}`{counted(row)}",
            f"{row['by_size'][small]['queries']} / {row['by_size'][large]['queries']}",
            *timings(row),
        ]
        for row in results.get("pages", [])
    ]
    if results.get("post"):
        page_rows.append(
            ["peer", "encounter POST, 8 at once (gunicorn)", "", *timings(results["post"])]
        )
    lines += _table(
        [
            "persona",
            "page",
            f"queries {small} / {large}",
            f"median {small} (ms)",
            f"p95 {small} (ms)",
            f"median {large} (ms)",
            f"p95 {large} (ms)",
            "p95 ratio",
            "budget",
        ],
        page_rows,
    )
    if results.get("throughput"):
        lines += ["", "## Throughput: requests a second, 4 clients (gunicorn)", ""]
        rates = results["throughput"]
        lines += _table(
            [
                "size",
                "coordinator `/clients/`",
                "admin change list",
                "one-query view",
                "/clients/ : admin",
                "/clients/ : one-query",
                "budget",
            ],
            [
                [
                    label,
                    f"{rate['clients']:.1f}",
                    f"{rate['admin']:.1f}",
                    f"{rate['probe']:.1f}",
                    f"{ratio(rate['clients'], rate['admin']):.2f}",
                    f"{ratio(rate['clients'], rate['probe']):.2f}",
                    _verdict_for(verdicts, f"at {label}"),
                ]
                for label, rate in rates.items()
            ],
        )
    if results.get("exports"):
        lines += ["", "## Exports against COPY (gunicorn, one fresh worker)", ""]
        export_rows = []
        for row in results["exports"]:
            for label in (small, large):
                at_size = row["by_size"][label]
                export_rows.append(
                    [
                        f"`{row['path']}`",
                        label,
                        f"{at_size['rows']:,}",
                        f"{at_size['seconds']:.2f}",
                        f"{at_size['rows_per_second']:,.0f}",
                        f"{at_size['copy_rows_per_second']:,.0f}",
                        f"{ratio(at_size['rows_per_second'], at_size['copy_rows_per_second']):.2f}",
                        f"{at_size['peak_mb']:.1f}",
                        f"{at_size['bytes'] / 1e6:,.1f}",
                    ]
                )
        lines += _table(
            [
                "export",
                "size",
                "rows",
                "seconds",
                "rows/s",
                "COPY rows/s",
                "share of COPY",
                "peak memory (MB)",
                "file (MB)",
            ],
            export_rows,
        )
    lines += ["", "## Every check", ""]
    lines += _table(
        ["budget", "subject", "result", "found"],
        [
            [v.budget, v.subject, "ok" if v.ok else "**FAILS**", v.detail.replace("|", "/")]
            for v in verdicts
        ],
    )
    return "\n".join(lines) + "\n"


def write(path: Path, results: dict, verdicts: list[Verdict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(results, verdicts))
