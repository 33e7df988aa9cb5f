"""The architecture, checked by reading the source (README, "How the code is laid out").

- A confidential model's manager (``Model.objects``, ``_default_manager``,
  ``_base_manager``) is used only by its own app's policy and selectors, by
  migrations, by the demo data and by tests. Everything else reads rows
  through the policy, so no screen, export or command can show a row its
  policy would hide.
- Each confidential model has its policy, ``<model>_policy`` in its app's
  ``access.py``, with the verbs of ``peersupport.policy.Policy``.
- Predicates are named ``can_...``, never ``may_...`` or ``keeps_...``.
- Imports run one way between the apps (``MAY_IMPORT``), including imports
  inside functions and relative ones.

Each rule has a self-test on a synthetic source, so a scanner that silently
stopped finding anything would fail too.
"""

import ast
import importlib
import re
import subprocess
from enum import StrEnum
from pathlib import Path, PurePosixPath

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from peersupport.policy import Policy

ROOT = Path(__file__).resolve().parents[2]
NOT_SOURCE = {".venv", ".smoke", "node_modules"}

# Confidential models, by the app that owns them (and holds their policy).
CONFIDENTIAL = {
    "clients": [
        "Client",
        "LivingSituation",
        "CareTeamMembership",
        "Consent",
        "ClientMerge",
        "DualRelationship",
    ],
    "partners": ["Partner", "PartnerStatus"],
    "interventions": [
        "Encounter",
        "Note",
        "Addendum",
        "NoteRead",
        "EmergencyAccess",
        "PeerRequest",
        "Notification",
    ],
    "referrals": ["Referral", "ReferralStatusChange"],
    "agenda": ["FollowUp", "CalendarFeed"],
    "groups": ["SupportGroup", "GroupSession", "GroupAttendance"],
    "staff": ["Backing", "WorkActivity", "DebriefingRequest", "WellnessPlan", "OnboardingItem"],
    "logbook": ["Entry"],
    "audit": ["SignInEvent"],
}
OWNER = {model: app for app, models in CONFIDENTIAL.items() for model in models}
# The audit trail's records: written by the recording helpers, read by the trail's selectors.
AUDIT_RECORDS = {"LogEntry", "ExportRecord"}
AUDIT_MODULES = {"peersupport/audit.py", "audit/selectors.py"}
MANAGERS = {"objects", "_default_manager", "_base_manager"}
META_MANAGERS = {"default_manager", "base_manager"}

# The apps, and the other apps each one may import (Django and libraries aside).
APPS = (
    "peersupport",
    "partners",
    "clients",
    "interventions",
    "referrals",
    "agenda",
    "groups",
    "staff",
    "logbook",
    "overview",
    "audit",
    "accounts",
    "demo",
)
MAY_IMPORT = {
    "peersupport": set(),
    "partners": {"peersupport"},
    "clients": {"peersupport", "partners"},
    "interventions": {"peersupport", "partners", "clients"},
    "referrals": {"peersupport", "partners", "clients"},
    "agenda": {"peersupport", "partners", "clients", "interventions"},
    "groups": {"peersupport", "partners", "clients", "interventions"},
    "staff": {"peersupport", "partners", "clients", "interventions", "groups"},
    "logbook": {
        "peersupport",
        "partners",
        "clients",
        "interventions",
        "referrals",
        "groups",
        "staff",
    },
    "overview": {
        "peersupport",
        "partners",
        "clients",
        "interventions",
        "referrals",
        "agenda",
        "groups",
        "staff",
    },
    "audit": {
        "peersupport",
        "partners",
        "clients",
        "interventions",
        "referrals",
        "agenda",
        "groups",
        "staff",
        "logbook",
        "overview",
    },
    "accounts": {"peersupport", "audit"},
    "demo": set(APPS),
}


def python_files():
    """Every Python file of the project: tracked, plus new ones not yet committed."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z", "--", "*.py"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for name in sorted(set(filter(None, listed.split("\0")))):
        relative = PurePosixPath(name)
        if relative.parts[0] not in NOT_SOURCE and (ROOT / name).is_file():
            yield relative


def _parse(relative):
    return ast.parse((ROOT / relative).read_text(encoding="utf-8"), filename=str(relative))


# The source scan.


LOAD_TEST_CHECK = "scripts/loadtest/writes.py"


def may_use_manager(relative: PurePosixPath, model: str) -> bool:
    """Whether the module at ``relative`` may use ``model``'s manager."""
    top = relative.parts[0]
    if top in {"demo", "tests"} or "migrations" in relative.parts:
        return True
    # The load test's check reads every note, as the tests do: it checks the
    # database itself, for no user (`make loadtest`, never the product).
    if str(relative) == LOAD_TEST_CHECK:
        return True
    if model in AUDIT_RECORDS:
        return str(relative) in AUDIT_MODULES
    # access.py and selectors.py, or packages of those names, of the owning app.
    return (
        top == OWNER[model]
        and len(relative.parts) > 1
        and relative.parts[1].removesuffix(".py") in {"access", "selectors"}
    )


def _bulk_writes(tree: ast.AST) -> set[int]:
    """ids of the manager nodes used only to insert rows: ``Model.objects.bulk_create``."""
    return {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "bulk_create"
    }


def manager_uses(tree: ast.AST, *, inserting_app: str | None = None) -> list[tuple[int, str, str]]:
    """(line, model, manager) for every ``Model.objects`` of a confidential model,
    also through ``import ... as``, ``module.Model.objects`` and ``Model._meta``.
    A manager used only for ``bulk_create`` of a model of ``inserting_app`` is let
    through: inserting rows in one statement reads nothing around the policy."""
    watched = OWNER.keys() | AUDIT_RECORDS
    bulk_writes = _bulk_writes(tree) if inserting_app else set()
    aliases = {
        alias.asname: alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.asname and alias.name in watched
    }
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        owner = node.value
        if node.attr in META_MANAGERS and getattr(owner, "attr", None) == "_meta":
            owner = owner.value  # Note._meta.default_manager
        elif node.attr not in MANAGERS:
            continue
        name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", None)
        model = aliases.get(name, name)
        if id(node) in bulk_writes and OWNER.get(model) == inserting_app:
            continue
        if model in watched:
            found.append((node.lineno, model, node.attr))
    return sorted(found)


def where_instead(model: str) -> str:
    if model in AUDIT_RECORDS:
        return (
            "use the recording helpers of peersupport/audit.py or a selector in audit/selectors.py"
        )
    app = OWNER[model]
    return (
        f"read through {app}/access.py's policy (visible_to, get_for) or a function of "
        f"{app}/selectors.py; create by instantiating ({model}(...), full_clean(), save())"
    )


def manager_violations(relative: PurePosixPath, tree: ast.AST) -> list[str]:
    # An app's services insert rows in bulk through the manager (one statement
    # for a page of read marks or a round of notifications); every read still
    # goes through the policy or a selector.
    services = len(relative.parts) == 2 and relative.parts[1] == "services.py"
    inserting_app = relative.parts[0] if services else None
    return [
        f"{relative}:{line}: {model}.{manager}: {where_instead(model)}"
        for line, model, manager in manager_uses(tree, inserting_app=inserting_app)
        if not may_use_manager(relative, model)
    ]


def test_confidential_managers_are_used_only_by_their_policy_and_selectors():
    found = []
    for relative in python_files():
        found.extend(manager_violations(relative, _parse(relative)))
    assert found == [], (
        "A confidential model's manager is used outside its app's access.py and "
        "selectors.py (migrations, demo/, tests/ and the load test's check aside):\n"
        + "\n".join(found)
    )


def _violations_in(path: str, source: str) -> list[str]:
    return manager_violations(PurePosixPath(path), ast.parse(source))


def test_the_source_scan_catches_each_way_of_reaching_a_manager():
    view = """
from interventions.models import Note
from interventions.models import Encounter as Visit
from clients import models
from auditlog.models import LogEntry

def shared_feed(request):
    notes = Note.objects.filter(author=request.user)
    visits = Visit._default_manager.all()
    people = models.Client._base_manager.all()
    entries = Entry._meta.default_manager.all()
    return LogEntry.objects.none()
"""
    found = _violations_in("interventions/views/shared.py", view)
    assert [line.split(": ")[1] for line in found] == [
        "Note.objects",
        "Encounter._default_manager",
        "Client._base_manager",
        "Entry.default_manager",
        "LogEntry.objects",
    ]
    assert "interventions/access.py" in found[0] and "full_clean()" in found[0]


def test_the_source_scan_lets_the_owners_through():
    source = "Note.objects.filter(pk=1)\nEntry.objects.none()\nLogEntry.objects.all()\n"
    assert _violations_in("interventions/access.py", "Note.objects.all()") == []
    assert _violations_in("interventions/selectors.py", "Note.objects.all()") == []
    assert _violations_in("interventions/selectors/feed.py", "Note.objects.all()") == []
    assert _violations_in("peersupport/audit.py", "LogEntry.objects.all()") == []
    assert _violations_in("audit/selectors.py", "LogEntry.objects.all()") == []
    for anywhere in ("demo/clients.py", "tests/test_x.py", "logbook/migrations/0009_x.py"):
        assert _violations_in(anywhere, source) == []
    assert _violations_in(LOAD_TEST_CHECK, "Note._base_manager.all()") == []
    # The load test's other scripts are no exception.
    assert len(_violations_in("scripts/loadtest/prepare.py", "Client.objects.all()")) == 1
    # Another app's policy is not the owner's; nor is the owner's view.
    assert len(_violations_in("clients/access.py", "Note.objects.all()")) == 1
    assert len(_violations_in("logbook/views.py", "Entry.objects.all()")) == 1
    assert len(_violations_in("interventions/access.py", "LogEntry.objects.all()")) == 1
    # An app's services insert its rows in bulk; reading, or another app's rows, is refused.
    insert = "NoteRead.objects.bulk_create([])"
    assert _violations_in("interventions/services.py", insert) == []
    assert len(_violations_in("interventions/services.py", "NoteRead.objects.filter()")) == 1
    assert len(_violations_in("clients/services.py", insert)) == 1
    assert len(_violations_in("interventions/views/shared.py", insert)) == 1
    # Models that are not confidential, and names that only look alike.
    assert _violations_in("logbook/views.py", "Theme.objects.all()\nnote.objects\n") == []


# One policy per confidential model, in one shape.


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def policy_problems(app: str, model_name: str) -> list[str]:
    where = f"{app}/access.py"
    try:
        module = importlib.import_module(f"{app}.access")
    except ImportError as error:
        return [f"{where}: cannot be imported ({error})"]
    name = f"{_snake(model_name)}_policy"
    policy = getattr(module, name, None)
    if not isinstance(policy, Policy):
        return [f"{where}: no {name} (an instance of peersupport.policy.Policy)"]
    problems = []
    model = apps.get_model(app, model_name) if apps.is_installed(app) else None
    if policy.model is not model:
        problems.append(f"{where}: {name}.model is {policy.model}, not {app}.{model_name}")
    action = getattr(policy, "Action", None)
    if not (
        isinstance(action, type)
        and issubclass(action, StrEnum)
        and "view" in {a.value for a in action}
    ):
        problems.append(f"{where}: {name}.Action is not a StrEnum with a 'view' member")
        return problems
    # Deny by default: an anonymous visitor sees no row and may not even look.
    anonymous = AnonymousUser()
    rows = policy.visible_to(anonymous)
    if not (isinstance(rows, QuerySet) and rows.model is model and not rows.exists()):
        problems.append(
            f"{where}: {name}.visible_to(anonymous) is not an empty {model_name} queryset"
        )
    if policy.can(anonymous, action("view")):
        problems.append(f"{where}: {name}.can(anonymous, 'view') is not False")
    return problems


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("app", "model"), [(app, model) for app, models in CONFIDENTIAL.items() for model in models]
)
def test_each_confidential_model_has_its_policy(app, model):
    assert policy_problems(app, model) == []


# One naming scheme: can_...


PRODUCT_APPS = [app for app in APPS if app != "demo"]
OTHER_PREDICATE = re.compile(r"^_?(may|keeps)_")


def misnamed_predicates(relative: PurePosixPath, tree: ast.AST) -> list[str]:
    """Functions, module-level names and dictionary keys (template context)
    named ``may_...`` or ``keeps_...``; a function's local variables are its own business."""
    module_level = set(getattr(tree, "body", []))
    found = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            names = [node.name]
        elif isinstance(node, ast.Assign) and node in module_level:
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.Dict):
            names = [k.value for k in node.keys if isinstance(k, ast.Constant)]
        found.extend(
            f"{relative}:{node.lineno}: {name}"
            for name in names
            if isinstance(name, str) and OTHER_PREDICATE.match(name)
        )
    return found


def test_predicates_and_template_flags_are_named_can():
    found = []
    for relative in python_files():
        if relative.parts[0] in PRODUCT_APPS and "migrations" not in relative.parts:
            found.extend(misnamed_predicates(relative, _parse(relative)))
    assert found == [], (
        "Name predicates and the flags views give templates can_... (not may_, keeps_):\n"
        + "\n".join(found)
    )


# A template reads a flag as ``may.edit`` or ``may_write_notes``; prose and
# translated strings are left out by looking only inside tags, quotes removed.
TEMPLATE_TAG = re.compile(r"{{(.*?)}}|{%(.*?)%}", re.DOTALL)
QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")
TEMPLATE_FLAG = re.compile(r"\b(?:may|keeps)(?:\.|_)\w+")


def misnamed_template_flags(relative: str, text: str) -> list[str]:
    found = []
    for match in TEMPLATE_TAG.finditer(text):
        code = QUOTED.sub("", match.group(1) or match.group(2))
        line = text.count("\n", 0, match.start()) + 1
        found.extend(f"{relative}:{line}: {flag}" for flag in TEMPLATE_FLAG.findall(code))
    return found


def test_templates_read_flags_named_can():
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        relative = str(path.relative_to(ROOT))
        found.extend(misnamed_template_flags(relative, path.read_text(encoding="utf-8")))
    assert found == [], "Templates read flags not named can_...:\n" + "\n".join(found)


def test_the_naming_checks_catch_may_and_keeps():
    source = (
        "def may_export(user): ...\nkeeps_logbook = 1\nctx = {'may_join': 1, 'can_x': 2}\n"
        "def f():\n    may_take_part = set()\n"
    )
    assert [f.split(": ")[1] for f in misnamed_predicates("x.py", ast.parse(source))] == [
        "may_export",
        "keeps_logbook",
        "may_join",
    ]
    template = (
        '{% if may.edit %}{% translate "You may. Or not" %}{% endif %}'
        "{{ may_write_notes }} You may_be here {% if can_edit %}{% endif %}"
    )
    assert [f.split(": ")[1] for f in misnamed_template_flags("t.html", template)] == [
        "may.edit",
        "may_write_notes",
    ]


# Import direction.


def imported_modules(relative: PurePosixPath, tree: ast.AST) -> list[tuple[int, str]]:
    """(line, absolute module) for every import of the module at ``relative``,
    those inside functions included, relative ones resolved against its package."""
    package = list(relative.parts[:-1])
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                found.append((node.lineno, node.module))
                continue
            base = (
                package[: len(package) - (node.level - 1)] if node.level - 1 <= len(package) else []
            )
            parts = [*base, *(node.module.split(".") if node.module else [])]
            if not node.module:
                # ``from . import a, b``: each name may be a module of the package.
                found.extend((node.lineno, ".".join([*parts, alias.name])) for alias in node.names)
            else:
                found.append((node.lineno, ".".join(parts)))
    return found


def import_violations(relative: PurePosixPath, tree: ast.AST) -> list[str]:
    app = relative.parts[0]
    allowed = MAY_IMPORT[app] | {app}
    return [
        f"{relative}:{line}: imports {module} ({app} may import "
        f"{', '.join(sorted(MAY_IMPORT[app])) or 'no other app'})"
        for line, module in imported_modules(relative, tree)
        if module.split(".")[0] in APPS and module.split(".")[0] not in allowed
    ]


def test_imports_run_one_way_between_the_apps():
    found = []
    for relative in python_files():
        if relative.parts[0] in MAY_IMPORT:
            found.extend(import_violations(relative, _parse(relative)))
    assert found == [], (
        "These imports break the direction of README's 'How the code is laid out'. A lower "
        "app's page shows a higher app's panels through peersupport.slots; the core names "
        "apps by string (include('clients.urls'), INSTALLED_APPS):\n" + "\n".join(found)
    )


def _imports_in(path: str, source: str) -> list[str]:
    return import_violations(PurePosixPath(path), ast.parse(source))


def test_the_import_check_catches_each_form_of_import():
    home = """
from django.shortcuts import render
from . import slots

def home(request):
    from interventions import selectors
    import logbook.models
    return render(request, "home.html")
"""
    found = _imports_in("peersupport/views/home.py", home)
    assert [f.split(": ")[1].split(" (")[0] for f in found] == [
        "imports interventions",
        "imports logbook.models",
    ]
    assert _imports_in("clients/views.py", "from .. import interventions") != []
    assert _imports_in("accounts/views.py", "from clients.access import client_policy") != []
    # What the table allows, and an app's own modules, relative or not.
    allowed = """
from . import selectors
from .access import note_policy
from ..models import Note
from clients.access import client_policy
import partners.models
from peersupport.policy import Policy
"""
    assert _imports_in("interventions/views/notes.py", allowed) == []
    assert _imports_in("demo/clients.py", "import logbook.models, accounts.services") == []
    # Settings and URL confs name apps by string: not an import.
    assert _imports_in("peersupport/urls.py", "include('clients.urls')") == []


def _local_apps():
    """The apps INSTALLED_APPS loads from this repository (not from .venv)."""
    found = set()
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(ROOT) and path.relative_to(ROOT).parts[0] not in NOT_SOURCE:
            found.add(config.name.split(".")[0])
    return found


def test_every_installed_project_app_has_a_row_in_the_import_table():
    assert _local_apps() - MAY_IMPORT.keys() == set()


def test_every_app_of_the_layout_is_installed():
    assert set(APPS) - _local_apps() == set()
