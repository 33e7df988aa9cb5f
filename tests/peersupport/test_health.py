import json
import os

import pytest
from cryptography.fernet import Fernet
from django.test import override_settings
from django.urls import reverse

from tests.subprocess_django import run_python

HEALTHZ_IN_A_FRESH_PROCESS = """
import django, json
django.setup()
from django.test import Client
response = Client().get("/healthz")
print(json.dumps({"status": response.status_code, "body": response.json()}))
"""


@pytest.mark.django_db
def test_healthz_reports_ok_when_the_database_answers(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "keys": "ok"}}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_answers_503_when_the_note_keys_do_not_read_the_stored_data(client):
    with override_settings(NOTE_ENCRYPTION_KEYS=[Fernet.generate_key().decode()]):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "error", "checks": {"database": "ok", "keys": "wrong"}}
    # The right keys back, the same process answers 200 again.
    assert client.get(reverse("healthz")).status_code == 200


def _unreachable_database_url():
    # The same engine as the suite runs on, at a place where nothing answers.
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return "postgres://postgres@127.0.0.1:1/peersupport"
    return "sqlite:////nonexistent-directory/peersupport.sqlite3"


def test_healthz_answers_503_when_the_database_is_down():
    result = run_python(
        HEALTHZ_IN_A_FRESH_PROCESS,
        {
            "DJANGO_DEBUG": "true",
            "ALLOWED_HOSTS": "testserver",
            "DATABASE_URL": _unreachable_database_url(),
        },
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome == {
        "status": 503,
        "body": {"status": "error", "checks": {"database": "unavailable"}},
    }
