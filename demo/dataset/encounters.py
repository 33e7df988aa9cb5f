"""Encounters and what is written about them: settings, activities, other
staff taking part (co-interventions), anonymous contacts, next steps,
living situations given at a contact, and notes in every audience and
status (drafts, signed notes, addenda, conversations of answers in the
shared feed, read marks), every text encrypted with the project's keys.

The number of encounters per person has a long tail (a log-normal weight,
times how long their file has been open); the busy person has exactly the
number asked for. Encounters are numbered in the order they happened, as
they would be in a programme that logs them day after day, so the table's
physical order follows time, not people."""

from __future__ import annotations

import random
from dataclasses import dataclass

from interventions.choices import Audience, NoteStatus, Setting
from interventions.models import Activity, Addendum, Encounter, Note, NoteRead
from peersupport.fields import encrypt_text
from peersupport.roles import Role

from . import words
from .context import Context, Weighted
from .people import BUSY, SITUATIONS, Person, add_situation, situation_table
from .writer import moment

ANONYMOUS_SHARE = 0.04
NOTE_SHARE = 0.48  # of encounters with a person; with the answers, 48 % of all encounters
CARE_TEAM_WHEN_SHARING = 0.55
ANSWERED = 0.30
ANSWERED_AGAIN = 0.35
ADDENDUM = 0.02
DRAFT_RECENT, DRAFT_OLD, RECENT_DAYS = 0.12, 0.004, 30
CO_INTERVENTION = 0.08
SITUATION_AT_CONTACT = 0.06
NEXT_STEPS = 0.18
READ_LATER, READ_RECENT, SETTLED_DAYS = 0.85, 0.35, 14

PEER_SETTINGS = (
    (Setting.STREET, 25),
    (Setting.SHELTER, 15),
    (Setting.PARTNER, 10),
    (Setting.CLINIC, 10),
    (Setting.COURT, 3),
    (Setting.HOSPITAL, 5),
    (Setting.HOME, 8),
    (Setting.PHONE, 18),
    (Setting.VIDEO, 3),
    (Setting.OTHER, 3),
)
CLINICAL_SETTINGS = (
    (Setting.CLINIC, 60),
    (Setting.PHONE, 20),
    (Setting.HOSPITAL, 10),
    (Setting.HOME, 5),
    (Setting.VIDEO, 5),
)
ANONYMOUS_SETTINGS = ((Setting.STREET, 75), (Setting.SHELTER, 15), (Setting.PARTNER, 10))
# The starting activity list (interventions migration 0002), most common first.
ACTIVITY_WEIGHTS = {
    "Listening and emotional support": 30,
    "Sharing lived experience": 15,
    "Harm-reduction supplies": 15,
    "Linking to a resource": 12,
    "Housing search": 10,
    "Accompaniment to a medical appointment": 6,
    "Help with paperwork: ID": 5,
    "Help with paperwork: income": 5,
    "Help with paperwork: health coverage": 4,
    "Accompaniment to court": 3,
    "Crisis support": 3,
    "Support group": 2,
}
DURATIONS = (10, 15, 20, 30, 30, 30, 45, 45, 60, 90, 120)
# The busy person's first encounters have, whatever the dice say, a
# conversation (a shared note, answered, answered back, with an addendum),
# a note for the clinicians and one for the peers; their latest has a draft.
# So even a small dataset shows every audience and status.
BUSY_SCRIPT = {0: "conversation", 1: "clinical", 2: "peer"}


@dataclass(slots=True)
class PlannedNote:
    created: int
    seq: int
    person: int
    encounter: int | None
    author: int
    audience: str
    body: str
    answers: int | None  # seq of the note that began the conversation
    signed: int | None


def plan_moments(ctx: Context) -> list[tuple[int, int, int]]:
    """When every encounter happened: (moment, person index or -1 for an
    anonymous contact, day), in time order. Sets each person's last contact."""
    rng = ctx.rng("encounter-moments")
    cal, people = ctx.calendar, ctx.people
    total, busy = ctx.sizes.encounters, ctx.sizes.busy_encounters
    others = people[1:]
    anonymous = round((total - busy) * ANONYMOUS_SHARE) if others else total - busy
    counts = _allocate(rng, others, total - busy - anonymous, cal.days, busy)
    weekdays = [cal.dates[d].weekday() for d in range(cal.days)]
    moments: list[tuple[int, int, int]] = []

    def day_between(first: int, last: int) -> int:
        day = rng.randint(first, last)
        if weekdays[day] >= 5 and rng.random() < 0.6:
            day = rng.randint(first, last)  # fewer contacts on weekends
        return day

    for person, count in zip([people[BUSY], *others], [busy, *counts], strict=True):
        latest = person.intake
        for _ in range(count):
            day = day_between(person.intake, person.last_day)
            latest = max(latest, day)
            seconds = rng.randrange(8 * 3600, 21 * 3600) // 300 * 300
            moments.append((cal.at(day, seconds), person.index, day))
        person.last_contact = latest
    for _ in range(anonymous):
        day = day_between(0, cal.days - 1)
        seconds = rng.randrange(7 * 3600, 23 * 3600) // 300 * 300
        moments.append((cal.at(day, seconds), -1, day))
    moments.sort()
    return moments


def _allocate(
    rng: random.Random, people: list[Person], total: int, days: int, busy: int
) -> list[int]:
    """``total`` encounters shared out with a long tail, none more than one a
    day of their file, nor as many as the busy person (when they fit)."""
    if not people:
        return []
    weights = [
        rng.lognormvariate(0, 1.1) * max(0.03, (p.last_day - p.intake + 1) / days) for p in people
    ]
    caps = [p.last_day - p.intake + 1 for p in people]
    if busy > 1:
        caps = [min(cap, busy - 1) for cap in caps]
    if sum(caps) < total:  # too many to fit: no cap
        caps = [total] * len(people)
    scale = total / sum(weights)
    counts = [min(cap, int(w * scale)) for w, cap in zip(weights, caps, strict=True)]
    left = total - sum(counts)
    while left:
        # What the caps turned away goes to the others, in proportion to their weights.
        open_ = [i for i, (count, cap) in enumerate(zip(counts, caps, strict=True)) if count < cap]
        for index in rng.choices(open_, weights=[weights[i] for i in open_], k=left):
            if counts[index] < caps[index]:
                counts[index] += 1
                left -= 1
    return counts


class _Encounters:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.rng = ctx.rng("encounters")
        self.cal = ctx.calendar
        self.staff = ctx.staff
        w = ctx.writer
        self.encounters = w.table(
            Encounter,
            (
                "id",
                "client_id",
                "anonymous_count",
                "anonymous_description",
                "occurred_at",
                "duration_minutes",
                "setting",
                "partner_id",
                "situation",
                "next_steps",
                "author_id",
                "created_at",
                "updated_at",
            ),
        )
        self.activities = w.table(
            Encounter.activities.through, ("id", "encounter_id", "activity_id")
        )
        self.participants = w.table(
            Encounter.participants.through, ("id", "encounter_id", "user_id")
        )
        self.situations = situation_table(ctx)
        rng = self.rng
        self.peer_setting = Weighted(rng, PEER_SETTINGS)
        self.clinical_setting = Weighted(rng, CLINICAL_SETTINGS)
        self.anonymous_setting = Weighted(rng, ANONYMOUS_SETTINGS)
        self.situation = Weighted(rng, SITUATIONS)
        active = list(
            Activity.objects.filter(is_active=True)
            .order_by("position", "pk")
            .values_list("pk", "name_en")
        )
        if not active:
            raise ValueError("No active activity: run the migrations first.")
        self.activity_names = dict(active)
        self.activity = Weighted(rng, [(pk, ACTIVITY_WEIGHTS.get(name, 5)) for pk, name in active])
        self.shelters = [pk for pk, kind in ctx.partners if kind == "shelter"]
        self.partners = [pk for pk, _kind in ctx.partners]
        self.notes: list[PlannedNote] = []
        # (created, note seq, author, body, person index)
        self.addenda: list[tuple[int, int, int, str, int]] = []
        self.reads: list[tuple[int, int, int]] = []  # (read at, note seq, reader)
        self.end = self.cal.end

    def write(self, moments: list[tuple[int, int, int]]) -> None:
        first = self.encounters.take_pks(len(moments))
        people = self.ctx.people
        self.busy_seen = 0
        self.busy_last = max((at for at, index, _day in moments if index == BUSY), default=None)
        for offset, (at, index, day) in enumerate(moments):
            if index < 0:
                self._anonymous(first + offset, at, day)
            else:
                self._with_person(first + offset, people[index], at, day)
            if offset and offset % 100_000 == 0:
                self.ctx.say(f"{offset:,} encounters")
        self._write_notes()

    def _pick_activities(self) -> list[int]:
        chosen = {self.activity()}
        while len(chosen) < 3 and self.rng.random() < 0.35:
            chosen.add(self.activity())
        return sorted(chosen)

    def _row(
        self,
        pk,
        client,
        at,
        minutes,
        setting,
        partner,
        situation,
        next_steps,
        author,
        created,
        anonymous_count=None,
        description="",
    ):
        self.encounters.add(
            (
                pk,
                client,
                anonymous_count,
                description,
                moment(at),
                minutes,
                setting,
                partner,
                situation,
                next_steps,
                author,
                moment(created),
                moment(created),
            )
        )

    def _links(self, pk: int, activities: list[int], participants: list[int]) -> None:
        for activity in activities:
            self.activities.add((self.activities.take_pks(1), pk, activity))
        for user in participants:
            self.participants.add((self.participants.take_pks(1), pk, user))

    def _partner_for(self, setting: str) -> int | None:
        rng = self.rng
        if setting == Setting.SHELTER and self.shelters and rng.random() < 0.8:
            return rng.choice(self.shelters)
        if setting == Setting.PARTNER and self.partners and rng.random() < 0.8:
            return rng.choice(self.partners)
        return None

    def _logged(self, at: int, minutes: int | None) -> int:
        """When an encounter was logged: mostly within hours, some days later."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.8:
            lag = rng.randrange(300, 3 * 3600)
        elif roll < 0.95:
            lag = rng.randrange(3 * 3600, 30 * 3600)
        else:
            lag = rng.randrange(86_400, 7 * 86_400)
        return self.cal.before_end(at + (minutes or 0) * 60 + lag)

    def _anonymous(self, pk: int, at: int, day: int) -> None:
        rng, staff = self.rng, self.staff
        author = rng.choices(staff.peers, cum_weights=staff.peer_weights)[0]
        setting = self.anonymous_setting()
        minutes = rng.choice((5, 10, 15, 20))
        created = self._logged(at, minutes)
        description = encrypt_text(rng.choice(words.ANONYMOUS)) if rng.random() < 0.7 else ""
        self._row(
            pk,
            None,
            at,
            minutes,
            setting,
            self._partner_for(setting),
            "",
            None,
            author,
            created,
            anonymous_count=rng.randint(1, 6),
            description=description,
        )
        others = []
        if rng.random() < 0.15:
            other = rng.choices(staff.peers, cum_weights=staff.peer_weights)[0]
            if other != author:
                others.append(other)
        activities = self._pick_activities()
        self._links(pk, activities, others)
        if self.ctx.trail is not None:
            self.ctx.trail.encounter(pk, None, at, minutes, setting, author, created, activities)

    def _with_person(self, pk: int, person: Person, at: int, day: int) -> None:
        rng = self.rng
        script = None
        if person.index == BUSY:
            script = BUSY_SCRIPT.get(self.busy_seen)
            if at == self.busy_last and self.busy_seen:
                script = "draft"
            self.busy_seen += 1
        present = person.members_on(day)
        peers = [m for m in present if m.is_peer]
        clinical = [m for m in present if not m.is_peer]
        by_peer = rng.random() < 0.75 if script is None else script != "clinical"
        if peers and (not clinical or by_peer):
            author, peer_side = rng.choice(peers).user, True
        elif clinical:
            author, peer_side = rng.choice(clinical).user, False
        else:
            author = person.created_by
            peer_side = self.staff.role_of(author) == Role.PEER
        setting = self.peer_setting() if peer_side else self.clinical_setting()
        minutes = None if rng.random() < 0.03 else rng.choice(DURATIONS)
        created = self._logged(at, minutes)
        situation = ""
        if rng.random() < SITUATION_AT_CONTACT:
            situation = self.situation()
            add_situation(self.ctx, self.situations, person, situation, day, author, created, rng)
        next_steps = None
        if rng.random() < NEXT_STEPS:
            next_steps = encrypt_text(words.next_steps(rng, person.language))
        partner = self._partner_for(setting)
        self._row(
            pk, person.pk, at, minutes, setting, partner, situation, next_steps, author, created
        )
        others = []
        if rng.random() < CO_INTERVENTION:
            # The other side of the team first: a peer and a clinician together.
            candidates = [m.user for m in (clinical if peer_side else peers) if m.user != author]
            candidates = candidates or [m.user for m in present if m.user != author]
            if candidates:
                others.append(rng.choice(candidates))
        activities = self._pick_activities()
        self._links(pk, activities, others)
        if self.ctx.trail is not None:
            self.ctx.trail.encounter(pk, person, at, minutes, setting, author, created, activities)
        if script is not None or rng.random() < NOTE_SHARE:
            self._note(pk, person, day, author, peer_side, created, script)

    def _note(
        self,
        encounter: int,
        person: Person,
        day: int,
        author: int,
        peer_side: bool,
        at: int,
        script: str | None = None,
    ):
        rng = self.rng
        shared = person.shares_on(day) and rng.random() < CARE_TEAM_WHEN_SHARING
        if script == "conversation" and person.shares_on(day):
            shared = True
        elif script in ("clinical", "peer"):
            shared = False
        if shared:
            audience = Audience.CARE_TEAM
        else:
            audience = Audience.PEER_TEAM if peer_side else Audience.CLINICAL_TEAM
        recent = day >= self.cal.days - RECENT_DAYS
        draft = rng.random() < (DRAFT_RECENT if recent else DRAFT_OLD)
        if script is not None:
            draft = script == "draft"
        talk = script == "conversation"
        body = words.note(rng, person.language, person.name)
        seq = self._add_note(
            at, person, encounter, author, audience, body, None, None if draft else at
        )
        if draft:
            return
        if audience == Audience.CARE_TEAM:
            self._reads(seq, person, day, author, at)
            if talk or rng.random() < ANSWERED:
                self._answers(seq, person, author, peer_side, at, answer_back=talk)
        if talk or rng.random() < ADDENDUM:
            when = self.cal.in_working_hours(at + rng.randrange(3 * 3600, 30 * 3600), rng)
            if when < self.end:
                body = words.addendum(rng, person.language, person.name)
                self.addenda.append((when, seq, author, body, person.index))

    def _add_note(self, at, person, encounter, author, audience, body, answers, signed) -> int:
        seq = len(self.notes)
        self.notes.append(
            PlannedNote(at, seq, person.index, encounter, author, audience, body, answers, signed)
        )
        return seq

    def _answers(
        self, root: int, person: Person, author: int, peer_side: bool, at: int, answer_back: bool
    ) -> None:
        """An answer from the other side of the team, sometimes (``answer_back``:
        always) answered back."""
        rng, cal = self.rng, self.cal
        when = cal.in_working_hours(at + rng.randrange(3600, 48 * 3600), rng)
        if when >= self.end:
            return
        day = cal.day_of(when)
        if not person.shares_on(day):
            return
        present = person.members_on(day)
        repliers = [m.user for m in present if m.is_peer != peer_side and m.user != author]
        if not repliers:
            return
        replier = rng.choice(repliers)
        body = words.answer(rng, person.language, person.name)
        seq = self._add_note(when, person, None, replier, Audience.CARE_TEAM, body, root, when)
        self._reads(seq, person, day, replier, when)
        answered_again = answer_back or rng.random() < ANSWERED_AGAIN
        if answered_again and any(m.user == author for m in present):
            again = cal.in_working_hours(when + rng.randrange(3600, 24 * 3600), rng)
            if again < self.end and person.shares_on(cal.day_of(again)):
                body = words.answer(rng, person.language, person.name)
                seq = self._add_note(
                    again, person, None, author, Audience.CARE_TEAM, body, root, again
                )
                self._reads(seq, person, cal.day_of(again), author, again)

    def _reads(self, seq: int, person: Person, day: int, author: int, signed: int) -> None:
        """Its author read it when signing; the rest of the team when they got
        to the feed, so that the newest notes are still new."""
        rng = self.rng
        self.reads.append((signed, seq, author))
        settled = signed < self.end - SETTLED_DAYS * 86_400
        for m in person.members_on(day):
            if m.user == author or rng.random() >= (READ_LATER if settled else READ_RECENT):
                continue
            read_at = self.cal.in_working_hours(signed + rng.randrange(1800, 72 * 3600), rng)
            if read_at < self.end:
                self.reads.append((read_at, seq, m.user))

    def _write_notes(self) -> None:
        ctx = self.ctx
        ctx.say(f"{len(self.notes):,} notes, encrypting and writing")
        w = ctx.writer
        notes = w.table(
            Note,
            (
                "id",
                "client_id",
                "encounter_id",
                "author_id",
                "audience",
                "body",
                "answers_note_id",
                "status",
                "created_at",
                "updated_at",
                "signed_at",
            ),
        )
        self.notes.sort(key=lambda n: (n.created, n.seq))
        first = notes.take_pks(len(self.notes))
        pk_of = [0] * len(self.notes)
        people = ctx.people
        trail = ctx.trail
        rng = self.rng
        for offset, note in enumerate(self.notes):
            pk = first + offset
            pk_of[note.seq] = pk
            person = people[note.person]
            signed = note.signed
            status = NoteStatus.DRAFT if signed is None else NoteStatus.SIGNED
            updated = note.created + rng.randrange(60, 1800) if signed is None else signed
            notes.add(
                (
                    pk,
                    person.pk,
                    note.encounter,
                    note.author,
                    note.audience,
                    encrypt_text(note.body),
                    None if note.answers is None else pk_of[note.answers],
                    status,
                    moment(note.created),
                    moment(self.cal.before_end(updated)),
                    None if signed is None else moment(signed),
                )
            )
            if trail is not None:
                trail.note(pk, person, note, status)
        ctx.counts["notes"] = notes.count
        addenda = w.table(Addendum, ("id", "note_id", "author_id", "body", "created_at"))
        self.addenda.sort()
        first = addenda.take_pks(len(self.addenda))
        for offset, (created, seq, author, body, index) in enumerate(self.addenda):
            addenda.add((first + offset, pk_of[seq], author, encrypt_text(body), moment(created)))
            if trail is not None:
                trail.addendum(first + offset, people[index], pk_of[seq], author, created)
        ctx.counts["addenda"] = addenda.count
        reads = w.table(NoteRead, ("id", "note_id", "reader_id", "read_at"))
        self.reads.sort()
        first = reads.take_pks(len(self.reads))
        for offset, (read_at, seq, reader) in enumerate(self.reads):
            reads.add((first + offset, pk_of[seq], reader, moment(read_at)))
        ctx.counts["note_reads"] = reads.count


def write_encounters(ctx: Context, moments: list[tuple[int, int, int]]) -> None:
    writer = _Encounters(ctx)
    writer.write(moments)
    ctx.counts["encounters"] = writer.encounters.count
    ctx.counts["participants"] = writer.participants.count
    ctx.counts["anonymous"] = sum(1 for _at, index, _day in moments if index < 0)
