"""`make bench` (scripts/bench/): its statistics, budgets, report and data
stamps, and its page measuring run for real on a small database.

The whole target is not run here: it builds PostgreSQL databases of ten
thousand and a million encounters and serves them with gunicorn for tens of
minutes. What decides its figures and verdicts is plain Python and is tested
below; the page measuring part runs against the demo data with the demo's
accounts standing in for the bench's, a couple of requests a page, so that a
page the bench asks for cannot move or break without this file noticing.
"""

import gzip
import io
import os
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from django.test import override_settings

from scripts.bench import (
    budgets,
    databases,
    exports,
    measure,
    report,
    run,
    server,
    stats,
    throughput,
)
from scripts.bench.pages import EXPORTS, PAGES, POST_KEY, THROUGHPUT, Page

ROOT = Path(__file__).resolve().parents[2]
DEMO_ACCOUNTS = {
    "peer": "peer",
    "clinician": "clinician",
    "coordinator": "coordinator",
    "researcher": "researcher",
}


# Statistics.


def test_the_median_of_an_even_count_is_the_mean_of_the_two_middle_values():
    assert stats.median([4.0, 1.0, 3.0, 2.0]) == 2.5
    assert stats.median([5.0]) == 5.0


def test_p95_of_fifty_times_is_the_48th_smallest_never_an_interpolation():
    times = [float(n) for n in range(1, 51)]
    assert stats.p95(times) == 48.0
    assert stats.p95(list(reversed(times))) == 48.0
    assert stats.p95([1.0, 2.0, 100.0]) == 100.0
    assert stats.p95([7.0]) == 7.0


def test_no_statistic_of_nothing():
    with pytest.raises(ValueError):
        stats.p95([])
    with pytest.raises(ValueError):
        stats.median([])


def test_a_ratio_to_nothing_is_infinite_unless_both_are_nothing():
    assert stats.ratio(3.0, 2.0) == 1.5
    assert stats.ratio(1.0, 0.0) == float("inf")
    assert stats.ratio(0.0, 0.0) == 1.0


# Interleaving.


class FakeWorker:
    """A measuring process that answers at once, and notes what it was asked."""

    def __init__(self, label, asked, slow=""):
        self.label, self.asked, self.slow = label, asked, slow

    def call(self, op, persona, path):
        self.asked.append((self.label, path))
        seconds = 100.0 if self.slow and self.slow in path else 0.01
        return {"seconds": seconds, "queries": 3, "status": 200, "bytes": 10}


def test_the_sizes_take_turns_request_by_request_and_swap_who_goes_first():
    asked = []
    workers = {"10k": FakeWorker("10k", asked), "1m": FakeWorker("1m", asked)}
    pages = [Page("peer", "/a/"), Page("peer", "/b/")]
    contexts = {"10k": {}, "1m": {}}

    samples = measure.measure_pages(workers, pages, contexts, requests=2, warmup=1)

    assert asked == [
        ("10k", "/a/"), ("1m", "/a/"), ("10k", "/b/"), ("1m", "/b/"),
        ("1m", "/a/"), ("10k", "/a/"), ("1m", "/b/"), ("10k", "/b/"),
        ("10k", "/a/"), ("1m", "/a/"), ("10k", "/b/"), ("1m", "/b/"),
    ]  # fmt: skip
    counted = {
        key: {label: len(taken) for label, taken in by_size.items()}
        for key, by_size in samples.items()
    }
    assert counted == {"peer /a/": {"10k": 2, "1m": 2}, "peer /b/": {"10k": 2, "1m": 2}}


def test_a_page_over_the_time_out_three_times_is_measured_no_more():
    asked, said = [], []
    workers = {label: FakeWorker(label, asked, slow="/shared/") for label in ("10k", "1m")}
    pages = [Page("peer", "/shared/"), Page("peer", "/")]

    samples = measure.measure_pages(
        workers, pages, {"10k": {}, "1m": {}}, requests=5, warmup=1, limit=60, say=said.append
    )

    # The warm-up round and one counted round: four requests over the time-out.
    assert [path for _, path in asked].count("/shared/") == 4
    assert [len(taken) for taken in samples["peer /shared/"].values()] == [1, 1]
    assert [len(taken) for taken in samples["peer /"].values()] == [5, 5]
    assert "peer /shared/: 3 requests over 60 s, no more of it" in said


# Budgets.


def _page(key, small_p95, large_p95, statuses=None):
    def at(p95):
        return {
            "n": 50,
            "median": p95 / 2,
            "p95": p95,
            "max": p95,
            "queries": 12,
            "queries_min": 12,
            "statuses": statuses or {"200": 50},
            "bytes": 1000,
        }

    return {
        "key": key,
        "persona": "peer",
        "path": "/",
        "by_size": {"10k": at(small_p95), "1m": at(large_p95)},
    }


def _export(*, rows_per_second, copy_rows_per_second, small_mb, large_mb, file_rows=1000):
    def at(peak_mb, rows):
        return {
            "n": 3,
            "rows": rows,
            "file_rows": file_rows if rows == 1000 else rows,
            "seconds": rows / rows_per_second,
            "max_seconds": rows / rows_per_second,
            "rows_per_second": rows_per_second,
            "copy_seconds": rows / copy_rows_per_second,
            "copy_rows_per_second": copy_rows_per_second,
            "peak_mb": peak_mb,
            "baseline_mb": 80.0,
            "bytes": rows * 100,
            "statuses": ["200"],
            "complete": True,
            "peak_source": "VmHWM and VmRSS samples",
        }

    return {
        "key": "researcher /research/export/?format=csv",
        "path": "/research/export/?format=csv",
        "rows_of": "research",
        "by_size": {"10k": at(small_mb, 1000), "1m": at(large_mb, 100_000)},
    }


def _results(**parts):
    results = {
        "date": "2026-11-24 10:00 EST",
        "duration_minutes": 42.0,
        "machine": {
            "cpu": "AMD EPYC",
            "cores": 2,
            "memory_gb": 24.0,
            "os": "Linux",
            "python": "3.11.7",
            "django": "5.2.19",
            "gunicorn": "23.0.0",
            "postgresql": {
                "version": "15.20",
                "jit": "on",
                "shared_buffers": "128MB",
                "work_mem": "4MB",
            },
        },
        "server": {
            "workers": 2,
            "worker_class": "gthread",
            "threads": 4,
            "timeout": 60,
            "command": "gunicorn peersupport.wsgi",
        },
        "settings": {
            "requests": 50,
            "warmup": 3,
            "throughput": "3 rounds of 10 s",
            "export_downloads": 3,
            "post_rounds": 8,
            "phases": ["pages"],
        },
        "sizes": [
            {
                "label": "10k",
                "database": "bench_10k",
                "busy_encounters": 1500,
                "reused": True,
                "today": "2026-11-20",
                "generated": {
                    "people": 500,
                    "encounters": 10000,
                    "notes": 4770,
                    "logbook": 200,
                    "audit": 15000,
                },
            },
            {
                "label": "1m",
                "database": "bench_1m",
                "busy_encounters": 1500,
                "reused": False,
                "build_seconds": 512.0,
                "generated": None,
            },
        ],
        "pages": [_page("peer /", 0.100, 0.120)],
    }
    results.update(parts)
    return results


def _failed(results):
    return [verdict for verdict in budgets.check(results) if not verdict.ok]


def test_a_page_within_1_3_times_its_p95_at_the_small_size_passes():
    results = _results(pages=[_page("peer /", 0.100, 0.130), _page("peer /shared/", 0.2, 0.1)])
    assert _failed(results) == []


def test_a_page_slower_than_1_3_times_at_the_large_size_fails_and_is_named():
    results = _results(pages=[_page("peer /", 0.100, 0.120), _page("clinician /shared/", 0.2, 3.5)])
    failed = _failed(results)
    assert [(v.subject, v.detail) for v in failed] == [("clinician /shared/", "17.50")]
    assert not budgets.passed(budgets.check(results))


def test_an_export_timed_with_the_pages_is_not_held_to_the_page_ratio():
    export = {**_page("researcher /research/export/?format=csv", 0.07, 5.6), "export": True}
    results = _results(pages=[_page("peer /", 0.100, 0.120), export])
    assert _failed(results) == []
    report_text = report.render(results, budgets.check(results))
    assert "see exports" in report_text


def test_the_encounter_post_is_held_to_the_same_ratio():
    post = {"key": POST_KEY, "by_size": _page(POST_KEY, 0.1, 0.2)["by_size"]}
    for at_size in post["by_size"].values():
        at_size["statuses"] = {"302": 50}
    failed = _failed(_results(post=post))
    assert [v.subject for v in failed] == [POST_KEY]


def test_clients_must_serve_one_and_a_half_times_the_admin_change_list():
    fast = {"clients": 30.0, "admin": 20.0, "probe": 200.0}
    slow = {"clients": 8.6, "admin": 20.0, "probe": 200.0}
    assert _failed(_results(throughput={"10k": fast, "1m": fast})) == []
    failed = _failed(_results(throughput={"10k": fast, "1m": slow}))
    assert [(v.subject, v.detail.split()[0]) for v in failed] == [("at 1m", "0.43")]


def test_an_export_at_a_third_of_copy_with_flat_memory_passes():
    row = _export(rows_per_second=40_000, copy_rows_per_second=120_000, small_mb=12, large_mb=20)
    assert _failed(_results(exports=[row])) == []


def test_an_export_slower_than_a_third_of_copy_fails():
    row = _export(rows_per_second=10_000, copy_rows_per_second=120_000, small_mb=12, large_mb=12)
    assert [v.budget for v in _failed(_results(exports=[row]))] == [
        "export >= 1/3 of COPY's rows/s"
    ]


def test_an_export_whose_memory_grows_with_its_rows_fails():
    # The issue's research export: 17 MB at 3,885 rows, 73 MB at 387,000.
    row = _export(rows_per_second=90_000, copy_rows_per_second=120_000, small_mb=17, large_mb=73)
    assert [v.budget for v in _failed(_results(exports=[row]))] == [
        "peak memory does not grow with rows"
    ]


def test_an_export_cut_short_or_over_the_time_out_fails():
    row = _export(rows_per_second=90_000, copy_rows_per_second=120_000, small_mb=5, large_mb=5)
    row["by_size"]["1m"]["complete"] = False
    row["by_size"]["1m"]["max_seconds"] = 61.0
    failed = _failed(_results(exports=[row]))
    assert {v.subject for v in failed} == {
        "export downloads (gunicorn)",
        "every export downloaded whole",
    }


def test_a_page_answering_anything_but_200_fails_the_run():
    results = _results(
        pages=[_page("coordinator /audit/", 0.1, 0.1, statuses={"200": 48, "500": 2})]
    )
    failed = _failed(results)
    assert [v.budget for v in failed] == ["every request answered as expected"]
    assert "coordinator /audit/ at 10k: {'500': 2}" in failed[0].detail


def test_an_export_writing_other_rows_than_copy_fails():
    row = _export(
        rows_per_second=90_000, copy_rows_per_second=120_000, small_mb=5, large_mb=5, file_rows=999
    )
    assert [v.budget for v in _failed(_results(exports=[row]))] == [
        "the export writes the rows COPY copies"
    ]


def test_a_request_over_the_server_time_out_fails():
    slow = _page("researcher /research/activity/", 0.5, 0.6)
    slow["by_size"]["1m"]["max"] = 75.0
    failed = _failed(_results(pages=[slow]))
    assert [(v.budget, v.subject) for v in failed] == [
        ("no request over the time-out (60 s)", "pages and exports (in-process)")
    ]


# The report.


def test_the_report_gives_the_machine_the_sizes_the_tables_and_the_verdicts(tmp_path):
    results = _results(
        pages=[_page("peer /", 0.1, 0.12), _page("coordinator /clients/{busy}/", 0.2, 3.0)],
        throughput={
            "10k": {"clients": 30.0, "admin": 20.0, "probe": 300.0},
            "1m": {"clients": 28.0, "admin": 20.0, "probe": 290.0},
        },
        exports=[
            _export(rows_per_second=50_000, copy_rows_per_second=120_000, small_mb=9, large_mb=10)
        ],
    )
    results["pages"][1]["path"] = "/clients/{busy}/"
    verdicts = budgets.check(results)
    path = tmp_path / "docs" / "benchmarks.md"

    report.write(path, results, verdicts)

    text = path.read_text()
    assert text.startswith("# Benchmarks")
    assert "2026-11-24 10:00 EST" in text
    assert "AMD EPYC, 2 cores, 24 GB" in text and "PostgreSQL** 15.20" in text
    assert "worker class gthread, 4 threads, time-out 60 s" in text
    assert (
        "| 10k | `bench_10k` | 500 | 10,000 | 4,770 | 200 | 15,000 | 1,500 | 2026-11-20 | reused |"
        in text
    )
    assert "built (512 s)" in text
    assert "| peer | `/` | 12 / 12 | 50 | 100 | 60 | 120 | 1.20 | ok |" in text
    assert "`/clients/<busy person>/`" in text
    assert "| 15.00 | **FAILS** |" in text
    assert "| 1m | 28.0 | 20.0 | 290.0 | 1.40 | 0.10 | **FAILS** |" in text
    assert "| `/research/export/?format=csv` | 1m | 100,000 |" in text
    assert "**Budgets fail**" in text
    assert "- FAILS: p95 at 1m <= 1.3 x p95 at 10k: coordinator /clients/{busy}/: 15.00" in text


def test_a_run_within_every_budget_says_so():
    results = _results()
    text = report.render(results, budgets.check(results))
    assert "**All budgets hold**" in text
    assert "FAILS" not in text


# Sizes and the stamp that lets a run reuse a database.


def test_sizes_scale_people_logbook_and_audit_with_encounters():
    small, large = databases.parse_sizes(databases.DEFAULT_SIZES)
    assert small == databases.Size(10_000, 500, 200, 15_000)
    assert large == databases.Size(1_000_000, 50_000, 20_000, 1_500_000)
    assert (small.database, large.database) == ("bench_10k", "bench_1m")


def test_a_quick_run_names_its_sizes_and_may_give_every_count():
    small, large = databases.parse_sizes("2000, 20k")
    assert (small.label, large.label) == ("2k", "20k")
    assert large == databases.Size(20_000, 1_000, 400, 30_000)
    _, exact = databases.parse_sizes("1k,2500:100:10:900")
    assert exact == databases.Size(2500, 100, 10, 900)
    assert exact.database == "bench_2500"


@pytest.mark.parametrize("wrong", ["10k", "1m,10k", "10k,10k", "10k,20k,30k", "ten,1m", "1:2,1m"])
def test_sizes_are_two_the_smaller_first(wrong):
    with pytest.raises(ValueError):
        databases.parse_sizes(wrong)


def _stamp(**changes):
    size = databases.Size.scaled(10_000)
    arguments = {
        "seed": 14,
        "busy": 1500,
        "migrations": {"clients": "0006_x"},
        "generator": "3f2a",
        **changes,
    }
    return databases.wanted_stamp(size, **arguments)


def test_a_database_stamped_with_the_same_parameters_is_reused():
    built = {**_stamp(), "generated": {"busy_person_pk": 7}, "built": "2026-11-24T10:00"}
    assert databases.reusable(built, _stamp())


@pytest.mark.parametrize(
    "change",
    [
        {"seed": 15},
        {"busy": 1000},
        {"migrations": {"clients": "0007_trigram_search"}},
        {"generator": "9c01"},
    ],
)
def test_another_seed_size_or_migration_means_building_again(change):
    assert not databases.reusable(_stamp(), _stamp(**change))


def test_a_database_without_a_stamp_or_of_another_size_is_built_again():
    assert not databases.reusable(None, _stamp())
    larger = databases.wanted_stamp(
        databases.Size.scaled(20_000),
        seed=14,
        busy=1500,
        migrations={"clients": "0006_x"},
        generator="3f2a",
    )
    assert not databases.reusable(_stamp(), larger)


def test_the_stamp_names_the_generator_arguments_in_the_contract():
    stamp = _stamp()
    assert stamp["arguments"] == [
        *("--people", "500", "--encounters", "10000", "--logbook", "200"),
        *("--audit", "15000", "--seed", "14", "--busy-encounters", "1500"),
    ]


def test_the_generators_code_is_in_the_stamp(tmp_path):
    commands = tmp_path / "demo" / "management" / "commands"
    commands.mkdir(parents=True)
    (commands / "generate_dataset.py").write_text("SIZE = 1\n")
    (tmp_path / "demo" / "dataset.py").write_text("PEOPLE = ['Ana']\n")
    first = databases.generator_digest(tmp_path)
    (tmp_path / "demo" / "dataset.py").write_text("PEOPLE = ['Ana', 'Bo']\n")
    assert databases.generator_digest(tmp_path) != first
    assert databases.generator_digest(tmp_path / "demo") == ""


def test_a_size_built_now_ends_its_history_on_the_day_the_kept_size_does():
    kept = [{**_stamp(), "today": "2026-11-02"}]
    assert databases.history_day(kept, "2026-11-24") == "2026-11-02"
    assert databases.history_day([], "2026-11-24") == "2026-11-24"
    assert databases.history_day([_stamp()], "2026-11-24") == "2026-11-24"


def test_the_latest_migration_of_each_app_is_read_from_the_files(tmp_path):
    for name in ("0001_initial.py", "0002_more.py", "__init__.py"):
        (tmp_path / "clients" / "migrations").mkdir(parents=True, exist_ok=True)
        (tmp_path / "clients" / "migrations" / name).write_text("")
    (tmp_path / ".venv" / "migrations").mkdir(parents=True)
    (tmp_path / ".venv" / "migrations" / "0009_other.py").write_text("")
    assert databases.latest_migrations(tmp_path) == {"clients": "0002_more"}
    assert databases.latest_migrations(ROOT)["clients"].startswith("00")


def test_the_bench_never_touches_a_database_not_named_for_it():
    for name in ("peersupport", "test_peersupport", "postgres", "bench_1m; DROP"):
        with pytest.raises(ValueError, match="only touches databases named bench_"):
            databases.recreate("postgres://postgres@127.0.0.1:5432/postgres", name)
    assert (
        databases.database_url("postgres://u@127.0.0.1:5432/postgres", "bench_10k")
        == "postgres://u@127.0.0.1:5432/bench_10k"
    )


# The run's settings.


def test_a_plain_run_is_the_issues_two_sizes_and_fifty_requests_a_page():
    settings = run.Settings.from_environment({})
    assert [size.label for size in settings.sizes] == ["10k", "1m"]
    assert (settings.requests, settings.busy, settings.seed) == (50, 1500, 14)
    assert settings.phases == run.PHASES
    assert settings.report == ROOT / "docs" / "benchmarks.md"


def test_a_quick_run_keeps_the_busy_person_within_the_smaller_size():
    settings = run.Settings.from_environment({"BENCH_SIZES": "2k,20k", "BENCH_ONLY": "pages"})
    assert settings.busy == 1000
    assert settings.phases == ("pages",)
    with pytest.raises(ValueError, match="unknown parts"):
        run.Settings.from_environment({"BENCH_ONLY": "pages,everything"})


def test_the_measured_processes_run_with_production_settings_and_the_bench_urls(monkeypatch):
    monkeypatch.setenv("DJANGO_DEBUG", "true")
    monkeypatch.setenv("DJANGO_SOMETHING", "x")
    settings = run.Settings.from_environment({})
    env = run.process_env(settings, "postgres://postgres@127.0.0.1:5432/bench_10k_run")
    assert env["DJANGO_DEBUG"] == "false"
    assert env["DJANGO_SETTINGS_MODULE"] == "scripts.bench.settings"
    assert "DJANGO_SOMETHING" not in env
    assert env["DATABASE_URL"].endswith("/bench_10k_run")
    build_env = run.process_env(settings, "postgres://x/bench_10k", bench_settings=False)
    assert "DJANGO_SETTINGS_MODULE" not in build_env


def test_the_generators_summary_is_its_last_json_line():
    output = 'progress\n{"people": 500, "busy_person_pk": 7}\n'
    assert run.last_json_line(output) == {"people": 500, "busy_person_pk": 7}
    with pytest.raises(RuntimeError):
        run.last_json_line("nothing here\n")


# The server as `make serve` runs it.


def test_the_gunicorn_command_is_found_among_what_make_serve_runs():
    dry_run = (
        ".venv/bin/python manage.py collectstatic --no-input\n"
        ".venv/bin/python manage.py migrate --no-input\n"
        ".venv/bin/gunicorn peersupport.wsgi --bind 127.0.0.1:8000"
        " --timeout ${GUNICORN_TIMEOUT:-60}\n"
    )
    assert server.gunicorn_line(dry_run).startswith(".venv/bin/gunicorn peersupport.wsgi")
    assert server.gunicorn_line("python -m gunicorn x") == "python -m gunicorn x"
    assert server.gunicorn_line("echo nothing") is None


def test_gunicorns_printed_configuration_is_read():
    printed = "\n".join(
        [
            "threads                            = 4",
            "timeout                            = 60",
            "worker_class                       = gthread",
        ]
    )
    assert server.parse_print_config(printed) == {
        "threads": "4",
        "timeout": "60",
        "worker_class": "gthread",
    }


def test_the_time_out_and_worker_class_are_those_make_serve_gives_gunicorn():
    options = server.serve_options(ROOT, {**os.environ, "GUNICORN_TIMEOUT": "47", "WORKERS": "2"})
    assert "gunicorn" in options.command
    assert options.timeout > 0 and options.threads >= 1 and options.worker_class
    if "GUNICORN_TIMEOUT" in options.command:
        assert options.timeout == 47
    assert options.arguments()[:2] == ["--timeout", str(options.timeout)]


def test_a_gunicorn_masters_workers_are_its_children():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert child.pid in server.children(os.getpid())
    finally:
        child.kill()
        child.wait()


# Exports: rows and memory.


def test_csv_rows_are_records_even_when_a_cell_holds_line_breaks(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes('\ufeffid,narrative\r\n1,"two\r\nlines"\r\n2,plain\r\n'.encode())
    with path.open("rb") as written:
        assert exports.count_csv_rows(written, header=True) == 2
    with path.open("rb") as written:
        assert exports.count_csv_rows(written) == 3


def test_the_peak_memory_of_a_process_is_seen_while_it_grows():
    memory = exports.PeakMemory(os.getpid())
    baseline = memory.start()
    held = bytearray(64 * 1024 * 1024)
    held[::4096] = b"x" * len(held[::4096])  # touched, so resident
    peak = memory.stop()
    del held
    assert peak - baseline > 48 * 1024


def test_rows_a_second_at_one_size_are_against_copys_of_the_same_rows():
    downloads = [
        {
            "seconds": s,
            "status": 200,
            "complete": True,
            "bytes": 10,
            "baseline_mb": 80.0,
            "peak_mb": mb,
            "peak_source": "VmRSS samples",
            "rows": 1000,
        }
        for s, mb in ((2.0, 5.0), (1.0, 7.0), (3.0, 6.0))
    ]
    summary = exports.summarize_downloads(downloads, {"rows": 1000, "seconds": 0.25})
    assert summary["seconds"] == 2.0
    assert summary["rows_per_second"] == 500.0
    assert summary["copy_rows_per_second"] == 4000.0
    assert summary["peak_mb"] == 7.0
    assert summary["file_rows"] == 1000
    assert summary["max_seconds"] == 3.0


def test_requests_a_second_count_all_the_rounds_together():
    rounds = [{"requests": 100, "seconds": 10.0}, {"requests": 50, "seconds": 10.0}]
    assert throughput.rate(rounds) == 7.5
    assert throughput.rate([]) == 0.0


# The bench's own URLs, never the product's.


@pytest.mark.django_db
def test_the_probe_and_the_admin_exist_only_under_the_bench_settings(client, coordinator):
    client.force_login(coordinator)
    assert client.get(THROUGHPUT["probe"]).status_code == 404
    assert client.get(THROUGHPUT["admin"]).status_code == 404


# The page measuring part, for real, on a small database.


@pytest.mark.django_db
@pytest.mark.usefixtures("seeded_demo")
class TestThePageMeasurementOnTheDemoData:
    """The demo's accounts stand in for the bench's; both "sizes" are the
    same database, measured in this process as each measuring process would."""

    @pytest.fixture
    def measurer(self):
        measurer = measure.Measurer()
        measurer.call("prepare", usernames=DEMO_ACCOUNTS)
        return measurer

    def test_every_page_and_export_answers_and_is_measured_at_both_sizes(self, measurer):
        context = measurer.call("context")
        assert context["busy"] is not None and len(context["q"]) == 3
        workers = {"small": measurer, "large": measurer}
        contexts = {"small": context, "large": context}
        pages = [*PAGES, *EXPORTS]
        said = []

        samples = measure.measure_pages(
            workers, pages, contexts, requests=1, warmup=1, say=said.append
        )

        assert said[0].startswith("warm-up round 1/1") and said[-1].startswith("round 1/1")
        rows = []
        for page in pages:
            by_size = {
                label: measure.summarize(taken) for label, taken in samples[page.key].items()
            }
            for label, summary in by_size.items():
                assert summary["n"] == 1, (page.key, label)
                assert summary["statuses"] == {"200": 1}, (page.key, label)
                assert 0 < summary["median"] <= summary["p95"] <= summary["max"]
                assert summary["queries"] > 0 and summary["bytes"] > 0
            rows.append(
                {"key": page.key, "persona": page.persona, "path": page.path, "by_size": by_size}
            )
        results = _results(pages=rows)
        results["sizes"][0]["label"], results["sizes"][1]["label"] = "small", "large"
        verdicts = budgets.answers(results)
        assert [v.ok for v in verdicts] == [True]
        assert "| coordinator | `/clients/?q=" in report.render(results, budgets.check(results))

    def test_a_session_made_for_gunicorn_is_signed_in_with_its_second_factor(self, measurer):
        from django.test import Client

        (cookies,) = measurer.call("sessions", persona="researcher", count=1)
        browser = Client()
        for name, value in cookies.items():
            browser.cookies[name] = value
        assert browser.get("/research/activity/").status_code == 200

    @pytest.mark.postgresql_only
    def test_copy_copies_the_rows_each_export_writes(self, measurer):
        from logbook import selectors
        from peersupport.models import User

        researcher = User.objects.get(username="researcher")
        entries = selectors.entry_list(viewer=researcher).count()
        copied = measurer.call("copy", rows="logbook", persona="researcher", repeats=2)
        assert copied["rows"] == entries > 0
        assert copied["seconds"] > 0
        assert copied["statement"].startswith("COPY (SELECT ")
        assert copied["statement"].endswith(" TO STDOUT WITH CSV")
        research = measurer.call("copy", rows="research", persona="researcher", repeats=1)
        response = measurer.signed_in("researcher").get(EXPORTS[0].path, secure=True)
        body = b"".join(response.streaming_content)
        # The bench asks for gzip, as browsers do, and the export comes gzipped.
        assert response["Content-Encoding"] == "gzip"
        written = io.BytesIO(gzip.decompress(body))
        assert exports.count_csv_rows(written, header=True) == research["rows"] > 0

    @override_settings(ROOT_URLCONF="scripts.bench.bench_urls")
    def test_the_bench_compares_the_register_with_the_admin_list_of_the_same_page_size(
        self, measurer
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from clients import views as client_views
        from scripts.bench.bench_urls import SamePageClientAdmin

        admin_list = measurer.call("page", persona="coordinator", path=THROUGHPUT["admin"])
        with CaptureQueriesContext(connection) as queries:
            probe = measurer.call("page", persona="coordinator", path=THROUGHPUT["probe"])

        assert admin_list["status"] == 200
        assert SamePageClientAdmin.list_per_page == client_views.PAGE_SIZE
        assert probe["status"] == 200
        # The view's own query, once, beside what every signed-in request costs.
        assert [query["sql"] for query in queries].count("SELECT 1") == 1


@pytest.mark.postgresql_only
def test_a_stamp_is_kept_in_the_databases_comment_and_read_back(django_db_blocker):
    import secrets

    from django.db import connection

    settings = connection.settings_dict
    base = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/postgres"
    if settings.get("PASSWORD"):
        base = base.replace("@", f":{settings['PASSWORD']}@", 1)
    name = f"bench_selftest_{secrets.token_hex(4)}"
    with django_db_blocker.unblock():
        try:
            databases.recreate(base, name)
            assert databases.read_stamp(base, name) is None
            databases.write_stamp(base, name, _stamp())
            assert databases.reusable(databases.read_stamp(base, name), _stamp())
            databases.recreate(base, f"{name}_run", template=name)
            assert databases.read_stamp(base, f"{name}_run") is None
        finally:
            with closing(databases.server(base)) as admin, admin.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}_run"')
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def test_a_gzipped_answer_reads_as_the_page_a_browser_shows():
    from email.message import Message

    page = "<form><input name='submission_token' value='é'></form>"
    headers = Message()
    headers["Content-Encoding"] = "gzip"
    packed = server.Answer(200, headers, gzip.compress(page.encode()), 0.1)
    plain = server.Answer(200, Message(), page.encode(), 0.1)
    assert packed.text == plain.text == page
