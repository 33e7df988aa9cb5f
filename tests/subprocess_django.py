"""Run Django in a separate process with an environment of the test's choosing,
for what cannot be changed inside a running process (settings, a database
that is down)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "SECRET_KEY": "k" * 30 + "-production-like-secret-for-tests-only-" + "z" * 10,
    "ALLOWED_HOSTS": "peersupport.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://peersupport.example.org",
    "DATABASE_URL": "sqlite:////tmp/peersupport-deploy-check.sqlite3",
    "NOTE_ENCRYPTION_KEYS": "dGVzdHMtb25seS1ub3RlLWtleS1ub3QtZm9yLXVzZS0=",
    "RESEARCH_PSEUDONYM_KEY": "tests-only-research-pseudonym-key-0123456789",
}


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run Python with only PATH, the settings module and ``env`` in the environment."""
    base = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "peersupport.settings"}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return _run(["-c", code], env)


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return _run(["manage.py", *args], env)
