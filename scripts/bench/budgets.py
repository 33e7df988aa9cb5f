"""The budgets of issue 14, checked against one run's results.

- every page's p95 at the large size within 1.3 times its p95 at the small one
  (the encounter POST under 8 writers at once included). Not the exports,
  timed with the pages: a hundred times the rows takes longer to send, and
  their budgets are their own (rows a second against COPY, memory);
- /clients/ at least 1.5 times the requests a second of the admin change list
  of the same model, at each size;
- each export at least a third of COPY's rows a second (at the large size,
  where the fixed cost of a request no longer hides the cost per row), and a
  peak memory that does not grow with rows: at the large size at most
  1.25 times the small size's, plus 10 MB of noise;
- no request over the server's time-out, and no export cut short;
- and, so that the figures mean something: every request answered as a
  person would be answered (200, or the redirect after a save), and each CSV
  export writing as many rows as COPY copied.
"""

from dataclasses import dataclass

from .stats import ratio

PAGE_RATIO = 1.3
CLIENTS_OVER_ADMIN = 1.5
EXPORT_SHARE_OF_COPY = 1 / 3
MEMORY_RATIO = 1.25
MEMORY_SLACK_MB = 10.0


@dataclass(frozen=True)
class Verdict:
    budget: str
    subject: str
    ok: bool
    detail: str


def _sizes(results: dict) -> tuple[str, str]:
    small, large = (size["label"] for size in results["sizes"])
    return small, large


def page_ratios(results: dict) -> list[Verdict]:
    small, large = _sizes(results)
    rows = [row for row in results.get("pages", []) if not row.get("export")]
    if results.get("post"):
        rows.append(results["post"])
    verdicts = []
    for row in rows:
        by_size = row["by_size"]
        found = ratio(by_size[large]["p95"], by_size[small]["p95"])
        verdicts.append(
            Verdict(
                f"p95 at {large} <= {PAGE_RATIO} x p95 at {small}",
                row["key"],
                found <= PAGE_RATIO,
                f"{found:.2f}",
            )
        )
    return verdicts


def throughput(results: dict) -> list[Verdict]:
    verdicts = []
    for label, rates in results.get("throughput", {}).items():
        found = ratio(rates["clients"], rates["admin"])
        verdicts.append(
            Verdict(
                f"/clients/ >= {CLIENTS_OVER_ADMIN} x admin change list",
                f"at {label}",
                found >= CLIENTS_OVER_ADMIN,
                f"{found:.2f} ({rates['clients']:.1f} vs {rates['admin']:.1f} requests/s)",
            )
        )
    return verdicts


def exports(results: dict) -> list[Verdict]:
    small, large = _sizes(results)
    verdicts = []
    for row in results.get("exports", []):
        at_large, at_small = row["by_size"][large], row["by_size"][small]
        share = ratio(at_large["rows_per_second"], at_large["copy_rows_per_second"])
        verdicts.append(
            Verdict(
                "export >= 1/3 of COPY's rows/s",
                f"{row['key']} at {large}",
                share >= EXPORT_SHARE_OF_COPY,
                f"{share:.2f} ({at_large['rows_per_second']:,.0f} vs "
                f"{at_large['copy_rows_per_second']:,.0f} rows/s)",
            )
        )
        allowed = MEMORY_RATIO * max(at_small["peak_mb"], 0.0) + MEMORY_SLACK_MB
        verdicts.append(
            Verdict(
                "peak memory does not grow with rows",
                row["key"],
                at_large["peak_mb"] <= allowed,
                f"{at_small['peak_mb']:.1f} MB at {small}, {at_large['peak_mb']:.1f} MB at "
                f"{large} (at most {allowed:.1f})",
            )
        )
    return verdicts


def longest_requests(results: dict) -> dict[str, float]:
    """The longest request of each kind, in seconds."""
    found = {}
    pages = [s for row in results.get("pages", []) for s in row["by_size"].values()]
    if pages:
        found["pages and exports (in-process)"] = max(s["max"] for s in pages)
    exported = [s for row in results.get("exports", []) for s in row["by_size"].values()]
    if exported:
        found["export downloads (gunicorn)"] = max(s["max_seconds"] for s in exported)
    if results.get("post"):
        found["encounter POSTs (gunicorn)"] = max(
            s["max"] for s in results["post"]["by_size"].values()
        )
    if results.get("throughput_runs"):
        found["throughput requests (gunicorn)"] = max(
            run["max_seconds"] for run in results["throughput_runs"]
        )
    return found


def timeout(results: dict) -> list[Verdict]:
    limit = results["server"]["timeout"]
    verdicts = [
        Verdict(
            f"no request over the time-out ({limit} s)",
            kind,
            seconds < limit,
            f"longest {seconds:.2f} s",
        )
        for kind, seconds in longest_requests(results).items()
    ]
    cut = [
        f"{row['key']} at {label}"
        for row in results.get("exports", [])
        for label, at_size in row["by_size"].items()
        if not at_size["complete"]
    ]
    if results.get("exports"):
        verdicts.append(
            Verdict(
                f"no request over the time-out ({limit} s)",
                "every export downloaded whole",
                not cut,
                "cut short: " + ", ".join(cut) if cut else "all complete",
            )
        )
    return verdicts


def answers(results: dict) -> list[Verdict]:
    """Requests answered as a person would be: a failing page measures nothing."""
    wrong = []
    for row in results.get("pages", []):
        for label, at_size in row["by_size"].items():
            other = {s: n for s, n in at_size["statuses"].items() if s != "200"}
            if other:
                wrong.append(f"{row['key']} at {label}: {other}")
    if results.get("post"):
        for label, at_size in results["post"]["by_size"].items():
            other = {s: n for s, n in at_size["statuses"].items() if s != "302"}
            if other:
                wrong.append(f"{results['post']['key']} at {label}: {other}")
    for row in results.get("exports", []):
        for label, at_size in row["by_size"].items():
            if at_size["statuses"] != ["200"]:
                wrong.append(f"{row['key']} download at {label}: {at_size['statuses']}")
    for run in results.get("throughput_runs", []):
        other = {s: n for s, n in run["statuses"].items() if s != "200"}
        if other:
            wrong.append(f"throughput {run['target']} at {run['size']}: {other}")
    verdicts = [
        Verdict(
            "every request answered as expected",
            "200 for pages and exports, 302 after an encounter is saved",
            not wrong,
            "; ".join(wrong[:10]) if wrong else "all",
        )
    ]
    for row in results.get("exports", []):
        for label, at_size in row["by_size"].items():
            if at_size.get("file_rows") is not None:
                verdicts.append(
                    Verdict(
                        "the export writes the rows COPY copies",
                        f"{row['key']} at {label}",
                        at_size["file_rows"] == at_size["rows"],
                        f"{at_size['file_rows']:,} in the file, {at_size['rows']:,} by COPY",
                    )
                )
    return verdicts


def check(results: dict) -> list[Verdict]:
    return [
        *page_ratios(results),
        *throughput(results),
        *exports(results),
        *timeout(results),
        *answers(results),
    ]


def passed(verdicts: list[Verdict]) -> bool:
    return all(verdict.ok for verdict in verdicts)
