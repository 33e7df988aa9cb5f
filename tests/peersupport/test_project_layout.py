"""The repository stands on its own: a fresh clone installs, runs and tests.

Two ways it broke before: the product imported a module that only the
development requirements installed (the QDPX export answered 500 after
`make run`), and a test read a file from a folder beside the repository that
exists on the team's machines only.
"""

import ast
import re
import subprocess
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
PRODUCT_PACKAGES = [
    "accounts",
    "agenda",
    "audit",
    "clients",
    "demo",
    "groups",
    "interventions",
    "logbook",
    "overview",
    "partners",
    "peersupport",
    "referrals",
    "staff",
]
# Binary or generated files that cannot name a path.
NOT_TEXT = {".mo", ".png", ".jpg", ".jpeg", ".gif", ".ico", ".webp", ".pdf", ".woff", ".woff2"}

# A relative path made of one or more "../" steps, then a name.
CLIMBING_PATH = re.compile(r"((?:\.\./)+)([\w.-]+)")
# Path(__file__)[.resolve()].parents[N] or .parent.parent...
FILE_PARENTS_INDEX = re.compile(r"Path\(__file__\)(?:\.resolve\(\))?\.parents\[(\d+)\]")
FILE_PARENT_CHAIN = re.compile(r"Path\(__file__\)(?:\.resolve\(\))?((?:\.parent\b)+)")
# The folder the team keeps beside the repository; a clone has none.
SIBLING = "shared"
# Home folders and the team's work tree, written as absolute paths (not part of a URL).
MACHINE_PATH = re.compile(r"(?<![\w./:-])/(?:work|home|Users)/[\w.-]")


def project_files():
    """Every file a clone carries: tracked, plus new ones not yet committed and not ignored."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for name in sorted(set(filter(None, listed.split("\0")))):
        path = ROOT / name
        if path.is_file() and path.suffix.lower() not in NOT_TEXT:
            yield path


def escapes_repository(relative_file, climbs):
    """Whether climbing `climbs` folders up from the file's own folder leaves the repository."""
    return climbs > len(relative_file.parts) - 1


def references_outside(relative, text):
    """The lines of a file (at `relative` in the repository) that name a path outside it."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        where = f"{relative}:{number}: {line.strip()}"
        # Relative paths are read from the file's own folder, the most lenient
        # reading (a Makefile or script reads them from the root, nearer the top).
        climbing = any(
            escapes_repository(relative, match.group(1).count("../")) or match.group(2) == SIBLING
            for match in CLIMBING_PATH.finditer(line)
        )
        # parents[0] is the file's own folder; each .parent climbs one more.
        parents = any(
            escapes_repository(relative, int(match.group(1)))
            for match in FILE_PARENTS_INDEX.finditer(line)
        ) or any(
            escapes_repository(relative, match.group(1).count(".parent") - 1)
            for match in FILE_PARENT_CHAIN.finditer(line)
        )
        if climbing or parents or MACHINE_PATH.search(line):
            found.append(where)
    return found


def test_no_project_file_refers_to_a_path_outside_the_repository():
    outside = []
    for path in project_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        outside.extend(references_outside(path.relative_to(ROOT), text))

    assert outside == [], "These lines reach outside the repository:\n" + "\n".join(outside)


def test_the_layout_check_recognises_each_way_of_leaving_the_repository():
    # The rule above is only as good as its patterns: prove each one fires, and
    # that paths staying inside pass. The samples are assembled so that this
    # file does not itself contain them.
    here = Path("tests", "logbook", "test_sample.py")
    leaving = {
        "climbing": 'SCHEMA = "' + "../" * 3 + 'refi-qda/schema.xsd"',
        "sibling folder": 'SCHEMA = "' + "../" + SIBLING + '/schema.xsd"',
        "parents": "HERE = Path(__file__).resolve().parents" + "[3]",
        "parent chain": "HERE = Path(__file__)" + ".parent" * 4,
        "machine": 'SCHEMA = "' + "/" + 'work/refi-qda/schema.xsd"',
    }
    staying = [
        'SCHEMA = "' + "../" * 2 + 'logbook/refi_qda/schema.xsd"',
        "HERE = Path(__file__).resolve().parents" + "[2]",
        "HERE = Path(__file__)" + ".parent" * 3,
        'LINK = "https://example.org/' + 'work/plan"',
    ]
    for kind, line in leaving.items():
        assert references_outside(here, line), f"the {kind} rule missed: {line}"
    for line in staying:
        assert references_outside(here, line) == [], f"flagged a path inside: {line}"


def product_imports():
    """Top-level modules the product imports: its code, plus the dotted paths its settings load."""
    modules = set()
    sources = [ROOT / "manage.py"]
    for package in PRODUCT_PACKAGES:
        sources.extend((ROOT / package).rglob("*.py"))
    for source in sources:
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    dotted = [
        *settings.INSTALLED_APPS,
        *settings.MIDDLEWARE,
        *settings.AUTHENTICATION_BACKENDS,
        settings.DATABASES["default"]["ENGINE"],
    ]
    modules.update(name.split(".")[0] for name in dotted)
    return modules - set(sys.stdlib_module_names) - set(PRODUCT_PACKAGES)


def pinned(requirements):
    names = set()
    for line in requirements.read_text(encoding="utf-8").splitlines():
        match = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==", line)
        if match:
            names.add(normalised(match.group(1)))
    return names


def normalised(distribution):
    return re.sub(r"[-_.]+", "-", distribution).lower()


def test_every_module_the_product_imports_is_pinned_in_the_runtime_requirements():
    runtime = pinned(ROOT / "requirements" / "base.txt")
    providers = packages_distributions()
    missing = []
    for module in sorted(product_imports()):
        distributions = {normalised(name) for name in providers.get(module, [])}
        assert distributions, f"no installed distribution provides {module!r}"
        if not distributions & runtime:
            missing.append(f"{module} (from {', '.join(sorted(distributions))})")

    assert missing == [], "Imported at run time but not in requirements/base.txt: " + ", ".join(
        missing
    )


def make_dry_run(*arguments, **environment):
    """The commands `make` would run, without running them."""
    return subprocess.run(
        ["make", "--dry-run", "--always-make", *arguments],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/local/bin:/usr/bin:/bin", **environment},
    ).stdout


def test_make_run_listens_on_the_port_or_address_it_is_given():
    assert "runserver 127.0.0.1:8000" in make_dry_run("run")
    assert "runserver 127.0.0.1:8123" in make_dry_run("run", "PORT=8123")
    assert "runserver 127.0.0.1:8124" in make_dry_run("run", PORT="8124")
    assert "runserver 0.0.0.0:8125" in make_dry_run("run", BIND="0.0.0.0:8125")


def test_make_serve_listens_on_the_port_or_address_it_is_given():
    assert "--bind 127.0.0.1:8126" in make_dry_run("serve", "PORT=8126")
    assert "--bind 0.0.0.0:8127" in make_dry_run("serve", BIND="0.0.0.0:8127")
