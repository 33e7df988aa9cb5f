"""The accounts the simulated users sign in with, on top of the demo data.

Run by scripts/loadtest/run.py with the load test's settings, after
``seed_demo``. Fifty people do not share six accounts: each simulated user
gets an account of its own, created the way a coordinator creates one
(``account_create``) and put on care teams the way a coordinator does
(``team_add_member``): peers and clinicians on three people each, taken in
turn from the open files, so that several peers write about each person and
the clinicians on their teams read and answer them. Each account gets an
authenticator app with the run's key, as the smoke check does: production
settings require two-factor sign-in, and the simulated users give the code.

Writes the plan the locustfile reads: the accounts by role, and for each peer
the people they may write about with the audiences the access policy allows
(a note for the whole care team needs the person's consent).
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PEOPLE_PER_ACCOUNT = 3


def prepare(counts: dict[str, int], password: str, key: str) -> dict:
    from django.db import transaction
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.services import account_create
    from clients.access import client_policy
    from clients.choices import TeamRole
    from clients.services import team_add_member
    from interventions.access import note_policy
    from peersupport.models import User
    from peersupport.roles import Role

    coordinator = User.objects.get(username="coordinator")
    # The open files, as the coordinator who puts people on care teams sees them.
    people = list(
        client_policy.visible_to(coordinator)
        .filter(closed_on__isnull=True, merged_into__isnull=True)
        .order_by("pk")
    )
    plan: dict = {"password": password, "key": key, "accounts": {}}
    turn = 0
    with transaction.atomic():
        for role, count in counts.items():
            accounts = plan["accounts"][role] = []
            for number in range(1, count + 1):
                username = f"load-{role}-{number:02d}"
                user = account_create(
                    acting_user=coordinator,
                    username=username,
                    first_name=f"Load {role}",
                    last_name=f"{number:02d}",
                    email=f"{username}@example.org",
                    roles=[Role(role)],
                    password=password,
                    must_change_password=False,
                )
                TOTPDevice.objects.create(user=user, name="loadtest", key=key, confirmed=True)
                account: dict = {"username": username}
                if role in (Role.PEER, Role.CLINICIAN):
                    team_role = TeamRole.PEER if role == Role.PEER else TeamRole.CLINICIAN
                    for _ in range(PEOPLE_PER_ACCOUNT):
                        person = people[turn % len(people)]
                        turn += 1
                        team_add_member(
                            acting_user=coordinator,
                            client=person,
                            member=user,
                            team_role=team_role,
                            reason="Load test",
                        )
                if role == Role.PEER:
                    account["audiences"] = {
                        str(person.pk): [str(a) for a in note_policy.audiences_for(user, person)]
                        for person in people
                        if note_policy.audiences_for(user, person)
                    }
                accounts.append(account)
    return plan


def main(argv: list[str]) -> int:
    """prepare.py PLAN_FILE peer=N clinician=N researcher=N coordinator=N
    (the password and the authenticator key come from the environment)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peersupport.settings")
    import django

    django.setup()
    counts = {role: int(n) for role, n in (argument.split("=") for argument in argv[1:])}
    plan = prepare(counts, os.environ["LOADTEST_PASSWORD"], os.environ["LOADTEST_OTP_KEY"])
    Path(argv[0]).write_text(json.dumps(plan, indent=1))
    print(
        "== loadtest: accounts "
        + ", ".join(f"{len(accounts)} {role}" for role, accounts in plan["accounts"].items())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
