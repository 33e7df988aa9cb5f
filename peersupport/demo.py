"""Demo accounts, for trying the product out. Never for real use.

Each later capability adds its own demo data after these accounts; every
step is idempotent, so seeding twice changes nothing.
"""

from django.db import transaction

from .accounts import account_create
from .models import User
from .roles import Role

DEMO_PASSWORD = "peersupport-demo"  # noqa: S105 (published in README as demo-only)

DEMO_ACCOUNTS = [
    ("coordinator", "Camille", "Roy", [Role.COORDINATOR]),
    ("peer", "Alex", "Tremblay", [Role.PEER]),
    ("peer2", "Sam", "Gagnon", [Role.PEER]),
    ("clinician", "Nadia", "Côté", [Role.CLINICIAN]),
    ("clinician2", "Marc", "Bouchard", [Role.CLINICIAN]),
    ("researcher", "Jordan", "Lévesque", [Role.RESEARCHER]),
]


@transaction.atomic
def seed_accounts() -> list[str]:
    """Create the demo accounts that do not exist yet; return their usernames."""
    created = []
    coordinator = User.objects.filter(username="coordinator").first()
    for username, first_name, last_name, roles in DEMO_ACCOUNTS:
        if User.objects.filter(username=username).exists():
            continue
        user = account_create(
            acting_user=coordinator,
            username=username,
            first_name=first_name,
            last_name=last_name,
            email=f"{username}@example.org",
            roles=roles,
            password=DEMO_PASSWORD,
            must_change_password=False,
        )
        if username == "coordinator":
            coordinator = user
        created.append(username)
    return created
