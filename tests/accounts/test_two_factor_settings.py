"""Two-factor sign-in is required by default in production, not in the demo,
and the roles' rule cannot be turned off in production."""

from tests.subprocess_django import PRODUCTION_ENV, run_python

PRINT_RULES = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.TWO_FACTOR_REQUIRED_FOR_ROLES, settings.TWO_FACTOR_REQUIRED_FOR_ALL)"
)


def test_production_requires_it_of_the_roles_and_of_everyone_by_default():
    result = run_python(PRINT_RULES, PRODUCTION_ENV)
    assert result.stdout.split() == ["True", "True"], result.stderr


def test_production_may_require_it_of_the_roles_only():
    result = run_python(PRINT_RULES, {**PRODUCTION_ENV, "TWO_FACTOR_REQUIRED_FOR_ALL": "false"})
    assert result.stdout.split() == ["True", "False"], result.stderr


def test_production_refuses_to_start_without_the_roles_rule():
    result = run_python(PRINT_RULES, {**PRODUCTION_ENV, "TWO_FACTOR_REQUIRED_FOR_ROLES": "false"})
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "ImproperlyConfigured" in last_line
    assert "TWO_FACTOR_REQUIRED_FOR_ROLES" in last_line


def test_the_demo_asks_nobody_by_default_and_may_be_told_to():
    assert run_python(PRINT_RULES, {"DJANGO_DEBUG": "true"}).stdout.split() == ["False", "False"]
    on = run_python(
        PRINT_RULES,
        {
            "DJANGO_DEBUG": "true",
            "TWO_FACTOR_REQUIRED_FOR_ROLES": "true",
            "TWO_FACTOR_REQUIRED_FOR_ALL": "true",
        },
    )
    assert on.stdout.split() == ["True", "True"]


def test_a_typo_in_the_switch_stops_start_up():
    result = run_python(PRINT_RULES, {**PRODUCTION_ENV, "TWO_FACTOR_REQUIRED_FOR_ALL": "please"})
    assert result.returncode != 0
    assert "TWO_FACTOR_REQUIRED_FOR_ALL" in result.stderr.strip().splitlines()[-1]
