"""scripts/check_advisories.py fails on a pin that the installed advisory data
names, passes the project's own pins, and says how old its data is."""

import importlib.util
import json
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location(
    "check_advisories", ROOT / "scripts" / "check_advisories.py"
)
check_advisories = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_advisories)


def _requirements(tmp_path, *lines):
    path = tmp_path / "requirements.txt"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_django_pin_with_a_known_advisory_fails_the_check(tmp_path, capsys):
    # Django 3.2.0: CVE-2021-31542 (path traversal in uploads), fixed in 3.2.1.
    status = check_advisories.main([str(_requirements(tmp_path, "django==3.2.0"))])
    out = capsys.readouterr().out
    assert status == 1
    assert "VULNERABLE django==3.2.0 (requirements.txt): CVE-2021-31542" in out


def test_the_fixed_release_passes(tmp_path, capsys):
    assert check_advisories.main([str(_requirements(tmp_path, "django==3.2.5"))]) == 0


def test_the_projects_own_pins_pass_and_the_datas_date_is_printed(capsys):
    assert check_advisories.main([]) == 0
    out = capsys.readouterr().out
    assert "Advisory data: safety-db (insecure_full.json), published 2021-07-01" in out
    assert "0 known vulnerable pin(s) in base.txt, dev.txt." in out


def test_pins_are_read_from_compiled_requirements_and_nothing_else(tmp_path):
    path = _requirements(
        tmp_path,
        "# a comment",
        "-c constraints.txt",
        "Django==5.2.19 \\",
        "    --hash=sha256:0123",
        "    # via peersupport (pyproject.toml)",
        "django-axes[ipware]==8.3.1  # an extra",
        "ruff>=0.8",
    )
    assert [(name, str(version)) for name, version in check_advisories.pins(path)] == [
        ("django", "5.2.19"),
        ("django-axes", "8.3.1"),
    ]


OSV_DOCUMENT = {
    "id": "PYSEC-0000-TEST",
    "modified": "2026-03-14T10:00:00Z",
    "summary": "A test advisory",
    "affected": [
        {
            "package": {"ecosystem": "PyPI", "name": "Some_Package"},
            "ranges": [
                {
                    "type": "ECOSYSTEM",
                    "events": [{"introduced": "2.0"}, {"fixed": "2.4.1"}, {"introduced": "3.0"}],
                }
            ],
            "versions": ["1.9.9"],
        },
        {"package": {"ecosystem": "npm", "name": "some-package"}, "versions": ["2.1.0"]},
    ],
}


@pytest.mark.parametrize(
    ("pin", "vulnerable"),
    [
        ("some-package==1.9.9", True),  # listed by version
        ("some-package==1.9.8", False),
        ("some-package==2.0", True),
        ("some-package==2.4.0", True),
        ("some-package==2.4.1", False),  # the fix
        ("some-package==3.1", True),  # introduced again, never fixed
    ],
)
def test_an_osv_export_is_read_from_its_zip(tmp_path, capsys, pin, vulnerable):
    export = tmp_path / "all.zip"
    with zipfile.ZipFile(export, "w") as archive:
        archive.writestr("PYSEC-0000-TEST.json", json.dumps(OSV_DOCUMENT))
    status = check_advisories.main(["--advisories", str(export), str(_requirements(tmp_path, pin))])
    out = capsys.readouterr().out
    assert "Advisory data: OSV (all.zip), published 2026-03-14" in out
    assert status == (1 if vulnerable else 0)
    assert ("PYSEC-0000-TEST" in out) is vulnerable


def test_unreadable_advisory_data_is_an_error_not_a_pass(tmp_path, capsys):
    broken = tmp_path / "all.zip"
    broken.write_text("not a zip")
    requirements = _requirements(tmp_path, "django==5.2.19")
    assert check_advisories.main(["--advisories", str(broken), str(requirements)]) == 2


def test_make_lint_runs_the_advisory_check():
    makefile = (ROOT / "Makefile").read_text()
    lint_rule = next(line for line in makefile.splitlines() if line.startswith("lint:"))
    assert "audit-deps" in lint_rule.split()
    assert "scripts/check_advisories.py" in makefile


def test_ruffs_security_rules_stay_selected():
    import tomllib

    lint = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["ruff"]["lint"]
    assert "S" in lint["select"]
    assert not [rule for rule in lint.get("ignore", []) if rule.startswith("S")]
