"""Check the pinned requirements against advisory data installed on this machine.

pip-audit asks an online service; where none is reachable this script reads
a local copy instead and fails on any pin that an advisory names:

- by default, the advisory data of the ``safety-db`` package (installed with
  the development requirements). It was last published in July 2021: it knows
  nothing found since, so it catches old pins, not new advisories;
- ``--advisories PATH``: a newer copy, either a file in the same format
  (``insecure_full.json``) or the OSV export of PyPI advisories (the ``all.zip``
  that osv.dev publishes, or a folder of its ``.json`` files), fetched where the
  network allows.

Usage: python scripts/check_advisories.py [--advisories PATH] [requirements files...]
Exit status: 0 when no pin is named, 1 when one is, 2 when the data cannot be read.
"""

import argparse
import json
import sys
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REQUIREMENTS = [ROOT / "requirements" / "base.txt", ROOT / "requirements" / "dev.txt"]


@dataclass(frozen=True)
class Advisory:
    """One advisory about one package: the versions it affects, and how it is known."""

    package: str
    identifier: str
    affects: SpecifierSet | None
    # OSV lists the affected versions outright, beside (or instead of) ranges.
    versions: frozenset[str] = frozenset()
    summary: str = ""

    def covers(self, version: Version) -> bool:
        if str(version) in self.versions:
            return True
        return self.affects is not None and self.affects.contains(version, prereleases=True)


@dataclass(frozen=True)
class AdvisoryData:
    advisories: dict[str, list[Advisory]]
    source: str
    published: date | None


@dataclass(frozen=True)
class Finding:
    package: str
    version: str
    file: str
    advisory: Advisory


def pins(path: Path) -> Iterator[tuple[str, Version]]:
    """``(canonical name, version)`` of each ``name==version`` line of a requirements file."""
    for line in path.read_text().splitlines():
        text = line.split("#", 1)[0].strip().rstrip("\\").strip()
        if not text or text.startswith("-"):
            continue
        try:
            requirement = Requirement(text)
        except InvalidRequirement:
            continue
        exact = [spec for spec in requirement.specifier if spec.operator in ("==", "===")]
        if exact:
            yield canonicalize_name(requirement.name), Version(exact[0].version)


def _safety_db_file() -> Path:
    # Found through the package's metadata, never imported: its __init__
    # opens a path relative to the current folder and fails elsewhere.
    try:
        found = distribution("safety-db").locate_file("safety_db/insecure_full.json")
    except PackageNotFoundError as error:
        raise SystemExit(
            "safety-db is not installed: `make install-dev` installs it, or pass --advisories."
        ) from error
    return Path(str(found))


def _from_safety_db(path: Path) -> AdvisoryData:
    raw = json.loads(path.read_text())
    meta = raw.pop("$meta", {})
    published = (
        datetime.fromtimestamp(meta["timestamp"], tz=UTC).date() if "timestamp" in meta else None
    )
    advisories: dict[str, list[Advisory]] = {}
    for name, entries in raw.items():
        package = canonicalize_name(name)
        for entry in entries:
            for spec in entry.get("specs", []):
                try:
                    affects = SpecifierSet(spec)
                except InvalidSpecifier:
                    continue
                identifier = entry.get("cve") or entry.get("id", "?")
                advisories.setdefault(package, []).append(
                    Advisory(package, identifier, affects, summary=entry.get("advisory", ""))
                )
    return AdvisoryData(advisories, f"safety-db ({path.name})", published)


def _osv_ranges(events: list[dict]) -> Iterator[SpecifierSet]:
    start = None
    for event in events:
        if "introduced" in event:
            start = event["introduced"]
        elif "fixed" in event or "last_affected" in event:
            upper = f"<{event['fixed']}" if "fixed" in event else f"<={event['last_affected']}"
            lower = f">={start}," if start and start != "0" else ""
            yield SpecifierSet(lower + upper)
            start = None
    if start is not None:
        yield SpecifierSet(f">={start}" if start != "0" else "")


def _osv_advisories(document: dict) -> Iterator[Advisory]:
    for affected in document.get("affected", []):
        package = affected.get("package", {})
        if package.get("ecosystem") != "PyPI":
            continue
        name = canonicalize_name(package["name"])
        versions = frozenset(affected.get("versions", []))
        ranges = [r for r in affected.get("ranges", []) if r.get("type") == "ECOSYSTEM"]
        specifiers = [spec for r in ranges for spec in _osv_ranges(r.get("events", []))]
        for spec in specifiers or [None]:
            yield Advisory(
                name, document.get("id", "?"), spec, versions, document.get("summary", "")
            )


def _osv_documents(path: Path) -> Iterator[tuple[dict, str]]:
    if path.is_dir():
        for file in sorted(path.rglob("*.json")):
            yield json.loads(file.read_text()), file.name
    else:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.endswith(".json"):
                    yield json.loads(archive.read(name)), name


def _from_osv(path: Path) -> AdvisoryData:
    advisories: dict[str, list[Advisory]] = {}
    newest: date | None = None
    for document, _name in _osv_documents(path):
        modified = document.get("modified", "")[:10]
        if modified:
            day = date.fromisoformat(modified)
            newest = max(newest, day) if newest else day
        for advisory in _osv_advisories(document):
            advisories.setdefault(advisory.package, []).append(advisory)
    return AdvisoryData(advisories, f"OSV ({path.name})", newest)


def load(path: Path | None) -> AdvisoryData:
    """The advisory data at ``path``, or safety-db's when no path is given."""
    if path is None:
        return _from_safety_db(_safety_db_file())
    if path.suffix == ".json":
        return _from_safety_db(path)
    return _from_osv(path)


def findings(data: AdvisoryData, files: Iterable[Path]) -> list[Finding]:
    """Every pin of ``files`` that an advisory of ``data`` covers."""
    found = []
    for file in files:
        for package, version in pins(file):
            for advisory in data.advisories.get(package, []):
                if advisory.covers(version):
                    found.append(Finding(package, str(version), file.name, advisory))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("requirements", nargs="*", type=Path, default=DEFAULT_REQUIREMENTS)
    parser.add_argument("--advisories", type=Path, help="newer advisory data (see above)")
    arguments = parser.parse_args(argv)
    try:
        data = load(arguments.advisories)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, InvalidVersion) as error:
        print(f"Cannot read the advisory data: {error}", file=sys.stderr)
        return 2
    published = data.published.isoformat() if data.published else "unknown"
    age = f", {(date.today() - data.published).days} days old" if data.published else ""
    print(f"Advisory data: {data.source}, published {published}{age}.")
    print(
        "It knows only advisories published before that date: "
        "run `pip-audit -r requirements/base.txt` where the network allows."
    )
    found = findings(data, arguments.requirements)
    for finding in found:
        print(
            f"VULNERABLE {finding.package}=={finding.version} ({finding.file}): "
            f"{finding.advisory.identifier} {finding.advisory.summary[:160]}"
        )
    checked = ", ".join(str(path.name) for path in arguments.requirements)
    print(f"{len(found)} known vulnerable pin(s) in {checked}.")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
