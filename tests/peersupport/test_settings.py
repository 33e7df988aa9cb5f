"""Start-up refuses bad configuration, and production values pass Django's
deployment checks."""

import pytest

from tests.subprocess_django import PRODUCTION_ENV, run_manage, run_python

SETUP = "import django; django.setup()"


def test_production_values_start():
    result = run_python(SETUP, PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": "too-short"}, "SECRET_KEY"),
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({"DATABASE_URL": "nosuchdb://somewhere/db"}, "DATABASE_URL"),
        ({"TIME_ZONE": "Mars/Olympus_Mons"}, "TIME_ZONE"),
        ({"LANGUAGE_CODE": "de"}, "LANGUAGE_CODE"),
        ({"SESSION_IDLE_MINUTES": "two hours"}, "SESSION_IDLE_MINUTES"),
        ({"SECURE_SSL_REDIRECT": "perhaps"}, "SECURE_SSL_REDIRECT"),
        ({"DATABASE_URL": "foo"}, "DATABASE_URL"),
        ({"TIME_ZONE": "America"}, "TIME_ZONE"),
        ({"LOG_LEVEL": "verbose"}, "LOG_LEVEL"),
        ({"AXES_FAILURE_LIMIT": "0"}, "AXES_FAILURE_LIMIT"),
        ({"AXES_COOLOFF_MINUTES": "0"}, "AXES_COOLOFF_MINUTES"),
        ({"SESSION_IDLE_MINUTES": "-5"}, "SESSION_IDLE_MINUTES"),
        ({"PROXY_COUNT": "-1"}, "PROXY_COUNT"),
        ({"SECURE_HSTS_SECONDS": "-1"}, "SECURE_HSTS_SECONDS"),
        ({"CLIENT_INACTIVE_AFTER_DAYS": "0"}, "CLIENT_INACTIVE_AFTER_DAYS"),
        ({"NOTE_ENCRYPTION_KEYS": ""}, "NOTE_ENCRYPTION_KEYS"),
        ({"NOTE_ENCRYPTION_KEYS": "not-a-fernet-key"}, "NOTE_ENCRYPTION_KEYS"),
        (
            {"NOTE_ENCRYPTION_KEYS": "ZGV2ZWxvcG1lbnQtb25seS1ub3RlLWtleS0wMDAwMDA="},
            "NOTE_ENCRYPTION_KEYS",
        ),
        ({"EMERGENCY_ACCESS_MINUTES": "0"}, "EMERGENCY_ACCESS_MINUTES"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(overrides, named):
    result = run_python(SETUP, {**PRODUCTION_ENV, **overrides})
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in last_line
    assert named in last_line


def test_debug_needs_no_secret_key():
    result = run_python(SETUP, {"DJANGO_DEBUG": "true"})
    assert result.returncode == 0, result.stderr


def test_deployment_checks_pass_with_production_values():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_sqlite_is_the_default_database():
    code = (
        SETUP + "; from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    )
    result = run_python(code, {"DJANGO_DEBUG": "true"})
    assert result.stdout.strip() == "django.db.backends.sqlite3"


def test_a_management_command_names_the_missing_variable():
    result = run_manage("makemigrations", "--check", "--dry-run", env={})
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "Configuration error: SECRET_KEY is required when DJANGO_DEBUG is off "
        "(set DJANGO_DEBUG=true for local development)."
    )
