"""People served: their care teams (peers, clinicians, reference persons;
some members left), their consents for every purpose in every state, and
their living situation at intake. The person's own record is written once
their encounters are planned (``write_people``): its last contact comes
from them.

Person 0 is the busy person: on the teams of ``bench-peer`` and
``bench-clinician`` from the first day, consenting to sharing, with exactly
``--busy-encounters`` encounters (``encounters``)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from clients.choices import (
    ClosedReason,
    ConsentMethod,
    Decision,
    Gender,
    HealthCoverage,
    JoinedHow,
    NoAnswer,
    Purpose,
    ReferralSource,
    Situation,
    TeamRole,
)
from clients.models import (
    CareTeamMembership,
    Client,
    Consent,
    LivingSituation,
    fold,
    search_text_of,
)
from peersupport.fields import encrypt_text

from . import words
from .context import Context, Weighted
from .staff import Staff
from .writer import moment

BUSY = 0
BENCH_PEER_PEOPLE = 40
BENCH_CLINICIAN_PEOPLE = 60
# Of bench-clinician's people, how many bench-peer works with too (their
# shared notes and conversations fill both feeds).
BENCH_SHARED_PEOPLE = 20
CLOSED = 0.07
REGISTERED_BY_CLINICIAN = 0.12
PEER_CHANGED = 0.22
SECOND_PEER = 0.10
CLINICIAN = 0.60
CLINICIAN_CHANGED = 0.10
REFERENCE = 0.08
FRENCH = 0.55

# What each purpose amounts to today, across people: (state, weight).
CONSENT_STATES = {
    Purpose.PEER_SUPPORT: (
        ("active", 85),
        ("expiring_soon", 3),
        ("expired", 5),
        ("withdrawn", 1),
        ("refused", 1),
        ("not_asked", 5),
    ),
    Purpose.CARE_TEAM_SHARING: (
        ("active", 50),
        ("expiring_soon", 5),
        ("expired", 8),
        ("withdrawn", 9),
        ("refused", 8),
        ("not_asked", 20),
    ),
    Purpose.RESEARCH: (
        ("active", 35),
        ("expiring_soon", 3),
        ("expired", 7),
        ("withdrawn", 5),
        ("refused", 15),
        ("not_asked", 35),
    ),
    Purpose.PARTNER_REFERRAL: (
        ("active", 30),
        ("expiring_soon", 3),
        ("expired", 5),
        ("withdrawn", 4),
        ("refused", 8),
        ("not_asked", 50),
    ),
}
EXPIRING_SOON_DAYS = 30
# The people after the busy one hold every state of every purpose in turn, so
# that even a small dataset has them all.
STATES = ("active", "expiring_soon", "expired", "withdrawn", "refused", "not_asked")
SITUATIONS = (
    (Situation.STREET, 14),
    (Situation.ENCAMPMENT, 5),
    (Situation.VEHICLE, 2),
    (Situation.EMERGENCY_SHELTER, 22),
    (Situation.TRANSITIONAL, 8),
    (Situation.WITH_OTHERS, 12),
    (Situation.HOSPITAL, 3),
    (Situation.DETOX, 3),
    (Situation.PRISON, 2),
    (Situation.HOUSED_MARKET, 8),
    (Situation.HOUSED_SUBSIDISED, 8),
    (Situation.HOUSED_SUPPORTIVE, 6),
    (Situation.UNKNOWN, 7),
)
GENDERS = (
    (Gender.MAN, 55),
    (Gender.WOMAN, 33),
    (Gender.NON_BINARY, 3),
    (Gender.TWO_SPIRIT, 2),
    (Gender.SELF_DESCRIBED, 1),
    (Gender.PREFERS_NOT, 2),
    (Gender.NOT_ASKED, 4),
)


@dataclass(slots=True)
class Membership:
    pk: int
    user: int
    team_role: str
    joined: int  # day
    left: int | None
    how: str
    added_by: int
    ended_by: int | None = None

    @property
    def is_peer(self) -> bool:
        return self.team_role == TeamRole.PEER

    def holds(self, day: int) -> bool:
        return self.joined <= day and (self.left is None or day < self.left)


@dataclass(slots=True)
class Person:
    index: int
    pk: int
    name: str
    aliases: str
    legal_first: str
    legal_last: str
    language: str
    intake: int  # day
    last_day: int  # the last day anything may happen: the closing day, or yesterday
    closed: int | None
    created_by: int
    members: list[Membership] = field(default_factory=list)
    # Days on which consent to share with the care team is in force: (first, last).
    sharing: list[tuple[int, int]] = field(default_factory=list)
    last_contact: int = 0

    def members_on(self, day: int) -> list[Membership]:
        return [m for m in self.members if m.holds(day)]

    def shares_on(self, day: int) -> bool:
        return any(first <= day <= last for first, last in self.sharing)


def plan_people(ctx: Context) -> list[Person]:
    """Plan every person and write their teams, consents and first situation."""
    staff = ctx.staff
    if staff is None:
        raise RuntimeError("Staff are planned first.")
    rng = ctx.rng("people")
    n = ctx.sizes.people
    w = ctx.writer
    memberships = w.table(
        CareTeamMembership,
        (
            "id",
            "client_id",
            "member_id",
            "team_role",
            "joined_on",
            "left_on",
            "how",
            "reason",
            "added_by_id",
            "ended_by_id",
            "created_at",
        ),
    )
    consents = w.table(
        Consent,
        (
            "id",
            "client_id",
            "purpose",
            "decision",
            "decided_on",
            "method",
            "expires_on",
            "comment",
            "recorded_by_id",
            "recorded_at",
        ),
    )
    situations = situation_table(ctx)
    first_pk = w.next_pk(Client)
    others = list(range(1, n))
    with_peer = {BUSY, *rng.sample(others, min(BENCH_PEER_PEOPLE - 1, len(others)))}
    shared = rng.sample(sorted(with_peer - {BUSY}), min(BENCH_SHARED_PEOPLE, len(with_peer) - 1))
    # bench-clinician: those shared with bench-peer, then others, then (in a
    # small dataset) more of bench-peer's.
    target = min(BENCH_CLINICIAN_PEOPLE, n)
    with_clinician = {BUSY, *shared}
    rest = [i for i in others if i not in with_peer]
    with_clinician |= set(rng.sample(rest, min(target - len(with_clinician), len(rest))))
    if len(with_clinician) < target:
        spare = sorted(with_peer - with_clinician)
        with_clinician |= set(rng.sample(spare, target - len(with_clinician)))
    people = []
    planner = _TeamPlanner(ctx, staff, rng)
    states = {purpose: Weighted(rng, choices) for purpose, choices in CONSENT_STATES.items()}
    situation = Weighted(rng, SITUATIONS)
    for index in range(n):
        person = planner.person(
            index, first_pk + index, index in with_peer, index in with_clinician
        )
        people.append(person)
        for m in person.members:
            m.pk = memberships.take_pks(1)
            memberships.add(
                (
                    m.pk,
                    person.pk,
                    m.user,
                    m.team_role,
                    ctx.calendar.dates[m.joined],
                    None if m.left is None else ctx.calendar.dates[m.left],
                    m.how,
                    encrypt_text(rng.choice(words.JOIN_REASONS))
                    if m.how == JoinedHow.JOINED
                    else "",
                    m.added_by,
                    m.ended_by,
                    moment(_office_hours(ctx, rng, m.joined)),
                )
            )
            if ctx.trail is not None:
                ctx.trail.membership(ctx, person, m)
        for turn, (purpose, pick) in enumerate(states.items()):
            if index == BUSY:
                history = [(person.intake, Decision.GIVEN, ConsentMethod.WRITTEN, None)]
            else:
                shown = index <= len(STATES)
                state = STATES[(index - 1 + turn) % len(STATES)] if shown else pick()
                history = _consent_history(rng, person, state, ctx.calendar.days)
            for row in history:
                decided, decision, method, expires = row
                recorder = _member_on(person, decided)
                pk = consents.take_pks(1)
                recorded = _office_hours(ctx, rng, decided)
                consents.add(
                    (
                        pk,
                        person.pk,
                        purpose.value,
                        decision,
                        ctx.calendar.dates[decided],
                        method,
                        None if expires is None else ctx.calendar.dates[expires],
                        encrypt_text(rng.choice(words.CONSENT_COMMENTS))
                        if rng.random() < 0.15
                        else "",
                        recorder,
                        moment(recorded),
                    )
                )
                if purpose == Purpose.CARE_TEAM_SHARING:
                    _note_sharing(person, decided, decision, expires, ctx.calendar.days)
                if ctx.trail is not None:
                    ctx.trail.consent(pk, person, purpose, row, recorder, recorded)
        if rng.random() < 0.8:
            add_situation(
                ctx,
                situations,
                person,
                situation(),
                person.intake,
                person.created_by,
                _office_hours(ctx, rng, person.intake),
                rng,
            )
    planner.close_former_staff()
    ctx.counts["memberships"] = memberships.count
    ctx.counts["consents"] = consents.count
    return people


def situation_table(ctx: Context):
    return ctx.writer.table(
        LivingSituation,
        ("id", "client_id", "situation", "detail", "recorded_on", "recorded_by_id", "recorded_at"),
    )


def add_situation(ctx, table, person, situation, day, by, at, rng) -> None:
    pk = table.take_pks(1)
    detail = encrypt_text(rng.choice(words.SITUATION_DETAILS)) if rng.random() < 0.2 else ""
    table.add((pk, person.pk, situation, detail, ctx.calendar.dates[day], by, moment(at)))
    if ctx.trail is not None:
        ctx.trail.situation(pk, person, situation, day, by, at)


def _office_hours(ctx: Context, rng: random.Random, day: int) -> int:
    return ctx.calendar.at(day, rng.randrange(8 * 3600, 18 * 3600))


def _member_on(person: Person, day: int) -> int:
    present = person.members_on(day)
    return present[0].user if present else person.created_by


def _note_sharing(person: Person, decided: int, decision: str, expires: int | None, days: int):
    """Keep the days sharing is in force: from a consent given to its expiry
    (included), until a later decision replaces it."""
    if person.sharing and person.sharing[-1][1] >= decided:
        first, _last = person.sharing[-1]
        person.sharing[-1] = (first, decided - 1)
        if person.sharing[-1][1] < first:
            person.sharing.pop()
    if decision == Decision.GIVEN:
        person.sharing.append((decided, days if expires is None else expires))


def _consent_history(rng: random.Random, person: Person, state: str, days: int):
    """The decisions, oldest first, that leave a purpose in ``state`` today
    (day ``days``): (day, decision, method, expiry day or None)."""
    first, last = person.intake, person.last_day
    if state == "not_asked":
        return []
    method = ConsentMethod.WRITTEN if rng.random() < 0.4 else ConsentMethod.VERBAL
    if state == "refused":
        return [(rng.randint(first, last), Decision.REFUSED, "", None)]
    if state == "expiring_soon":
        given = rng.randint(first, last)
        return [(given, Decision.GIVEN, method, days + rng.randint(0, EXPIRING_SOON_DAYS))]
    if last - first < 2:  # no room for a decision and a later one: given today
        return [(last, Decision.GIVEN, method, None)]
    if state == "expired":
        given = rng.randint(first, last - 1)
        return [(given, Decision.GIVEN, method, rng.randint(given + 1, last))]
    if state == "withdrawn":
        given = rng.randint(first, last - 1)
        return [
            (given, Decision.GIVEN, method, None),
            (rng.randint(given + 1, last), Decision.WITHDRAWN, "", None),
        ]
    # Active: some renewed an expired consent; most have no expiry.
    if rng.random() < 0.15:
        given = rng.randint(first, last - 1)
        renewed = rng.randint(given + 1, last)
        return [
            (given, Decision.GIVEN, method, renewed),
            (renewed, Decision.GIVEN, method, None),
        ]
    given = rng.randint(first, last)
    expires = None
    if rng.random() < 0.3:
        expires = max(given + 365, days + EXPIRING_SOON_DAYS + 1 + rng.randrange(0, 300))
    return [(given, Decision.GIVEN, method, expires)]


class _Deck:
    """Deals staff to care teams so that each ends up with about their own
    caseload (as a coordinator assigns), not a random draw's spread."""

    def __init__(self, rng: random.Random, caseloads: dict[int, int]):
        self.rng = rng
        self.caseloads = caseloads
        self.cards: list[int] = []

    def deal(self, avoid=()) -> int | None:
        """A staff member not in ``avoid`` (already on this team), or None when
        every one of them is (a small dataset with few staff)."""
        for _ in range(10):
            if not self.cards:
                self.cards = [pk for pk, load in self.caseloads.items() for _ in range(load)]
                self.rng.shuffle(self.cards)
            if not self.cards:
                break
            pk = self.cards.pop()
            if pk not in avoid:
                return pk
            # Already on this team: back in the deck for someone else.
            self.cards.insert(self.rng.randrange(len(self.cards) + 1), pk)
        others = sorted(set(self.caseloads) - set(avoid))
        return self.rng.choice(others) if others else None


class _TeamPlanner:
    def __init__(self, ctx: Context, staff: Staff, rng: random.Random):
        self.ctx, self.staff, self.rng = ctx, staff, rng
        self.days = ctx.calendar.days
        self.coordinators = staff.coordinators
        self.bench_peer = staff.bench["bench-peer"]
        self.bench_clinician = staff.bench["bench-clinician"]
        self.former_left: dict[int, int] = {}
        self.peers = _Deck(rng, {pk: staff.members[pk].caseload for pk in staff.peers})
        self.clinicians = _Deck(rng, {pk: staff.members[pk].caseload for pk in staff.clinicians})

    def _peer(self, avoid=()) -> int | None:
        return self.peers.deal(avoid)

    def _clinician(self, avoid=()) -> int | None:
        return self.clinicians.deal(avoid)

    def _former(self, pool: list[int], others: list[int], avoid) -> int:
        # Half left the programme, half moved on to other people (a past
        # membership: it takes no place in anyone's caseload today).
        for _ in range(10):
            pk = self.rng.choice(pool if self.rng.random() < 0.5 else others)
            if pk not in avoid:
                return pk
        return pk

    def _coordinator(self) -> int:
        return self.rng.choice(self.coordinators)

    def person(self, index: int, pk: int, bench_peer: bool, bench_clinician: bool) -> Person:
        rng, days = self.rng, self.days
        name, aliases, legal_first, legal_last = words.person_name(rng)
        language = "fr" if rng.random() < FRENCH else "en"
        if index == BUSY:
            return self._busy(pk, name, aliases, legal_first, legal_last, language)
        # Room for a decision and a later one for those who show every state.
        intake = rng.randrange(0, days - 60 if index <= len(STATES) else days)
        closed = None
        if rng.random() < CLOSED and intake < days - 31:
            closed = rng.randint(intake + 30, days - 1)
        last = closed if closed is not None else days - 1
        by_clinician = not bench_peer and rng.random() < REGISTERED_BY_CLINICIAN
        members: list[Membership] = []

        def add(user, role, joined, left, how, added_by, ended_by=None):
            members.append(Membership(0, user, role, joined, left, how, added_by, ended_by))

        clinician = None
        if by_clinician:
            clinician = self.bench_clinician if bench_clinician else self._clinician()
            add(clinician, TeamRole.CLINICIAN, intake, None, JoinedHow.REGISTERED, clinician)
        has_peer = bench_peer or not by_clinician or rng.random() < 0.5
        registrar = clinician
        if has_peer:
            current = self.bench_peer if bench_peer else self._peer()
            if not by_clinician and last - intake > 20 and rng.random() < PEER_CHANGED:
                former = self._former(self.staff.former_peers, self.staff.peers, {current})
                switch = rng.randint(intake + 10, last)
                add(former, TeamRole.PEER, intake, switch, JoinedHow.REGISTERED, former)
                members[-1].ended_by = self._coordinator()
                self._left(former, switch)
                add(current, TeamRole.PEER, switch, None, JoinedHow.ASSIGNED, self._coordinator())
                registrar = former
            elif by_clinician:
                joined = min(last, intake + rng.randint(0, 30))
                add(current, TeamRole.PEER, joined, None, JoinedHow.ASSIGNED, self._coordinator())
            else:
                add(current, TeamRole.PEER, intake, None, JoinedHow.REGISTERED, current)
                registrar = current
            second = self._peer({m.user for m in members}) if rng.random() < SECOND_PEER else None
            if second is not None:
                how = JoinedHow.JOINED if rng.random() < 0.5 else JoinedHow.ASSIGNED
                joined = rng.randint(intake, last)
                add(
                    second,
                    TeamRole.PEER,
                    joined,
                    None,
                    how,
                    second if how == JoinedHow.JOINED else self._coordinator(),
                )
        if clinician is None and (bench_clinician or rng.random() < CLINICIAN):
            clinician = self.bench_clinician if bench_clinician else self._clinician()
            joined = min(last, intake + rng.randint(0, 90))
            if last - joined > 20 and rng.random() < CLINICIAN_CHANGED:
                former = self._former(
                    self.staff.former_clinicians, self.staff.clinicians, {clinician}
                )
                switch = rng.randint(joined + 10, last)
                add(
                    former,
                    TeamRole.CLINICIAN,
                    joined,
                    switch,
                    JoinedHow.ASSIGNED,
                    self._coordinator(),
                )
                members[-1].ended_by = self._coordinator()
                self._left(former, switch)
                joined = switch
            how = JoinedHow.JOINED if rng.random() < 0.3 else JoinedHow.ASSIGNED
            add(
                clinician,
                TeamRole.CLINICIAN,
                joined,
                None,
                how,
                clinician if how == JoinedHow.JOINED else self._coordinator(),
            )
        reference = self._clinician({m.user for m in members}) if rng.random() < REFERENCE else None
        if reference is not None:
            add(
                reference,
                TeamRole.REFERENCE,
                rng.randint(intake, last),
                None,
                JoinedHow.ASSIGNED,
                self._coordinator(),
            )
        if registrar is None:  # no team at all cannot happen: someone registered them
            raise RuntimeError(f"Person {index} has nobody who registered them.")
        return Person(
            index,
            pk,
            name,
            aliases,
            legal_first,
            legal_last,
            language,
            intake,
            last,
            closed,
            registrar,
            members,
        )

    def _busy(self, pk, name, aliases, legal_first, legal_last, language) -> Person:
        """On bench-peer's and bench-clinician's teams from the start, with a
        clinician before bench-clinician who left."""
        former = self.staff.former_clinicians[0]
        switch = min(200, self.days - 1)
        self._left(former, switch)
        coordinator = self.coordinators[0]
        members = [
            Membership(
                0, self.bench_peer, TeamRole.PEER, 0, None, JoinedHow.REGISTERED, self.bench_peer
            ),
            Membership(
                0,
                former,
                TeamRole.CLINICIAN,
                0,
                switch,
                JoinedHow.ASSIGNED,
                coordinator,
                coordinator,
            ),
            Membership(
                0,
                self.bench_clinician,
                TeamRole.CLINICIAN,
                switch,
                None,
                JoinedHow.ASSIGNED,
                coordinator,
            ),
        ]
        return Person(
            BUSY,
            pk,
            name,
            aliases,
            legal_first,
            legal_last,
            language,
            0,
            self.days - 1,
            None,
            self.bench_peer,
            members,
        )

    def _left(self, pk: int, day: int) -> None:
        member = self.staff.members[pk]
        if not member.active:
            self.former_left[pk] = max(day, self.former_left.get(pk, 0))

    def close_former_staff(self) -> None:
        """Accounts that left did so after the last team they were on."""
        for pk, day in self.former_left.items():
            self.staff.members[pk].left_day = day


def write_people(ctx: Context) -> None:
    """The people's own records, with their last contact known."""
    rng = ctx.rng("clients")
    cal = ctx.calendar
    clients = ctx.writer.table(
        Client,
        (
            "id",
            "display_name",
            "aliases",
            "legal_first_name",
            "legal_last_name",
            "legal_name_no_answer",
            "pronouns",
            "birth_year",
            "birth_year_estimated",
            "birth_year_no_answer",
            "gender",
            "gender_self_described",
            "languages",
            "phone",
            "where_to_find",
            "health_coverage",
            "intake_date",
            "referral_source",
            "referral_detail",
            "last_contact_on",
            "closed_on",
            "closed_reason",
            "closed_note",
            "search_text",
            "display_key",
            "created_by_id",
            "created_at",
            "updated_at",
        ),
    )
    gender = Weighted(rng, GENDERS)
    coverages = HealthCoverage.values
    sources = ReferralSource.values
    reasons = ClosedReason.values
    this_year = cal.today.year
    for person in ctx.people:
        legal = bool(person.legal_first)
        born = rng.random() < 0.75
        chosen = gender()
        registered = _office_hours(ctx, rng, person.intake)
        updated = registered
        closed_reason = closed_note = ""
        if person.closed is not None:
            closed_reason = rng.choice(reasons)
            closed_note = encrypt_text(rng.choice(words.CLOSING_NOTES))
            updated = _office_hours(ctx, rng, person.closed)
        clients.add(
            (
                person.pk,
                person.name,
                person.aliases,
                person.legal_first,
                person.legal_last,
                "" if legal else rng.choice(NoAnswer.values),
                rng.choice(words.PRONOUNS) if rng.random() < 0.3 else "",
                this_year - rng.randint(18, 75) if born else None,
                born and rng.random() < 0.25,
                "" if born else rng.choice(NoAnswer.values),
                chosen,
                encrypt_text("Genderfluid") if chosen == Gender.SELF_DESCRIBED else "",
                rng.choice(words.LANGUAGES),
                f"514-555-{rng.randrange(10_000):04d}" if rng.random() < 0.3 else "",
                encrypt_text(rng.choice(words.WHERE_TO_FIND)) if rng.random() < 0.4 else "",
                rng.choice(coverages),
                cal.dates[person.intake],
                rng.choice(sources),
                encrypt_text(rng.choice(words.REFERRAL_DETAILS)) if rng.random() < 0.1 else "",
                cal.dates[max(person.intake, person.last_contact)],
                None if person.closed is None else cal.dates[person.closed],
                closed_reason,
                closed_note,
                search_text_of(
                    [person.name, person.legal_first, person.legal_last, person.aliases]
                ),
                fold(person.name),
                person.created_by,
                moment(registered),
                moment(updated),
            )
        )
        if ctx.trail is not None:
            ctx.trail.client(person, registered)
            if person.closed is not None:
                ctx.trail.client_closed(person, closed_reason, updated)
    ctx.counts["people"] = clients.count
