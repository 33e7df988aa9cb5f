"""Staff accounts: the fixed ``bench-*`` accounts the benchmark signs in as,
and enough generated peers and clinicians to carry every caseload (30 to 80
people per peer), a few coordinators and researchers, some who left the
programme (inactive, still the authors of their history), their role grants
and staff teams."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password

from peersupport.models import RoleGrant, StaffTeam, User
from peersupport.roles import Role

from . import words
from .context import Context
from .writer import moment

BENCH_PASSWORD = "peersupport-bench"  # noqa: S105 (published in README, generated data only)
BENCH_ACCOUNTS = {
    "bench-peer": Role.PEER,
    "bench-clinician": Role.CLINICIAN,
    "bench-coordinator": Role.COORDINATOR,
    "bench-researcher": Role.RESEARCHER,
}
PEER_CASELOAD = (30, 80)
CLINICIAN_CASELOAD = (60, 120)
# Peer places per person (one peer, sometimes two) and clinician places per
# person (most have one): with the caseloads, how many of each to hire.
PEER_PLACES_PER_PERSON = 1.1
CLINICIAN_PLACES_PER_PERSON = 0.8
LEFT_THE_PROGRAMME = 0.06


@dataclass
class Member:
    pk: int
    username: str
    role: Role
    first_name: str = ""
    last_name: str = ""
    active: bool = True
    caseload: int = 0
    left_day: int | None = None  # set from the last team an inactive account left


@dataclass
class Staff:
    members: dict[int, Member] = field(default_factory=dict)
    bench: dict[str, int] = field(default_factory=dict)
    # Generated accounts that carry caseloads (``Member.caseload``); the peers'
    # cumulative caseloads pick who met anonymous people (``random.choices``).
    peers: list[int] = field(default_factory=list)
    peer_weights: list[int] = field(default_factory=list)
    clinicians: list[int] = field(default_factory=list)
    # Accounts that left: they appear only as former members of care teams.
    former_peers: list[int] = field(default_factory=list)
    former_clinicians: list[int] = field(default_factory=list)
    coordinators: list[int] = field(default_factory=list)
    researchers: list[int] = field(default_factory=list)

    def role_of(self, pk: int) -> Role:
        return self.members[pk].role

    def name_of(self, pk: int) -> str:
        member = self.members[pk]
        return f"{member.first_name} {member.last_name}"


def _hired(people: int, places_per_person: float, caseload: tuple[int, int]) -> int:
    return max(2, round(people * places_per_person / (sum(caseload) / 2)))


def _cumulative(weights: list[int]) -> list[int]:
    total, result = 0, []
    for weight in weights:
        total += weight
        result.append(total)
    return result


def plan_staff(ctx: Context) -> Staff:
    rng = ctx.rng("staff")
    people = ctx.sizes.people
    staff = Staff()
    next_pk = ctx.writer.next_pk(User)

    def hire(username: str, role: Role, active: bool = True) -> Member:
        nonlocal next_pk
        first, last = rng.choice(words.FIRST_NAMES), rng.choice(words.LAST_NAMES)
        if username in BENCH_ACCOUNTS:
            first, last = "Bench", username.split("-")[1].capitalize()
        member = Member(next_pk, username, role, first, last, active)
        staff.members[member.pk] = member
        next_pk += 1
        return member

    for username, role in BENCH_ACCOUNTS.items():
        staff.bench[username] = hire(username, role).pk
    staff.coordinators.append(staff.bench["bench-coordinator"])
    staff.researchers.append(staff.bench["bench-researcher"])
    for role, count, caseload, active_list, former in (
        (
            Role.PEER,
            _hired(people, PEER_PLACES_PER_PERSON, PEER_CASELOAD),
            PEER_CASELOAD,
            staff.peers,
            staff.former_peers,
        ),
        (
            Role.CLINICIAN,
            _hired(people, CLINICIAN_PLACES_PER_PERSON, CLINICIAN_CASELOAD),
            CLINICIAN_CASELOAD,
            staff.clinicians,
            staff.former_clinicians,
        ),
    ):
        for number in range(1, count + 1):
            left = number > 1 and rng.random() < LEFT_THE_PROGRAMME
            member = hire(f"{role.value}-{number:04d}", role, active=not left)
            if left:
                former.append(member.pk)
            else:
                member.caseload = rng.randint(*caseload)
                active_list.append(member.pk)
        if not former:  # every size has someone who left, for the history
            former.append(hire(f"{role.value}-former", role, active=False).pk)
    staff.peer_weights = _cumulative([staff.members[pk].caseload for pk in staff.peers])
    for number in range(1, max(1, people // 10_000) + 1):
        staff.coordinators.append(hire(f"coordinator-{number:02d}", Role.COORDINATOR).pk)
        staff.researchers.append(hire(f"researcher-{number:02d}", Role.RESEARCHER).pk)
    return staff


def write_staff(ctx: Context, staff: Staff, password: str) -> None:
    """Accounts, role grants and staff teams. Every account has the same
    password; its hash (one, salted from the seed) is computed once."""
    cal = ctx.calendar
    hashed = make_password(password, salt=f"dataset{ctx.seed}".replace("-", "0"))
    users = ctx.writer.table(
        User,
        (
            "id",
            "password",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_active",
            "is_staff",
            "is_superuser",
            "must_change_password",
            "date_joined",
        ),
    )
    grants = ctx.writer.table(RoleGrant, ("id", "user_id", "role", "granted_by_id", "granted_at"))
    installer = staff.bench["bench-coordinator"]
    grant_pk = grants.take_pks(len(staff.members))
    for number, member in enumerate(staff.members.values(), start=1):
        # Every account exists from the first morning, before anyone is met;
        # the installation's coordinator (bench-coordinator) first, who creates the others.
        joined = cal.at(0, 7 * 3600 + (0 if member.pk == installer else number * 2))
        users.add(
            (
                member.pk,
                hashed,
                member.username,
                member.first_name,
                member.last_name,
                f"{member.username}@example.org",
                member.active,
                False,
                False,
                False,
                moment(joined),
            )
        )
        grants.add(
            (
                grant_pk,
                member.pk,
                member.role.value,
                None if member.pk == installer else installer,
                moment(joined + 60),
            )
        )
        if ctx.trail is not None:
            ctx.trail.account_created(member, joined, installer, grant_pk)
        grant_pk += 1
    _write_staff_teams(ctx, staff)
    ctx.counts["staff"] = len(staff.members)


def _write_staff_teams(ctx: Context, staff: Staff) -> None:
    """A staff team per clinic or street team, of about forty peers and
    clinicians each (the coordinator's overview is filtered by them)."""
    field_staff = [*staff.peers, *staff.clinicians]
    count = max(1, len(field_staff) // 40)
    teams = ctx.writer.table(StaffTeam, ("id", "name", "is_active", "created_at"))
    members = ctx.writer.table(StaffTeam.members.through, ("id", "staffteam_id", "user_id"))
    first = teams.take_pks(count)
    created = moment(ctx.calendar.at(0, 9 * 3600))
    for number in range(count):
        teams.add((first + number, f"Équipe {number + 1:02d}", True, created))
    bench = [staff.bench["bench-peer"], staff.bench["bench-clinician"]]
    member_pk = members.take_pks(len(field_staff) + len(bench))
    for index, pk in enumerate(bench + field_staff):
        members.add((member_pk + index, first + (index % count), pk))
