"""Demo accounts, for trying the product out. Never for real use.

Each later capability adds its own demo data after these accounts; every
step is idempotent, so seeding twice changes nothing.
"""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.services import account_create, installation_account_create
from peersupport.models import User
from peersupport.roles import Role

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
        fields = {
            "username": username,
            "first_name": first_name,
            "last_name": last_name,
            "email": f"{username}@example.org",
            "roles": roles,
            "password": DEMO_PASSWORD,
        }
        # The coordinator comes first, from the installation; it creates the rest.
        if coordinator is None:
            user = installation_account_create(**fields)
        else:
            user = account_create(acting_user=coordinator, must_change_password=False, **fields)
        if username == "coordinator":
            coordinator = user
        created.append(username)
    return created


def moment(days_ago: int, hour: int, minute: int = 0) -> datetime:
    """A local time ``days_ago`` days before today, so the demo stays recent."""
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def not_after_now(when: datetime, margin: timedelta = timedelta(minutes=5)) -> datetime:
    """``when``, or a little before now if it would be in the future."""
    return min(when, timezone.now() - margin)


def restamp(instance, **fields) -> None:
    """Set times that services stamp with "now" (``auto_now_add`` among them)
    to when the demo says it happened. An update query: no audit entry, no
    ``auto_now`` refresh."""
    type(instance)._base_manager.filter(pk=instance.pk).update(**fields)
    for name, value in fields.items():
        setattr(instance, name, value)
