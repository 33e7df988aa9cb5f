"""The audit trail of three years of work: exactly ``--audit`` entries of
django-auditlog, shaped as auditlog and ``peersupport.audit`` write them
(creations of records with their fields, notes signed, activities added to
encounters, memberships ended, files closed, and reads of notes and people's
records, each with its place), dated when the thing happened, numbered in
time order; and the record of sign-ins.

The other steps tell the trail what they create (``Trail.encounter`` and
the like); each kind is kept with a probability that spends its share of the
entries, and reads of notes and records fill what is left."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from audit.models import SignInEvent
from clients.choices import Decision, Purpose, Situation, TeamRole
from clients.models import CareTeamMembership, Client, Consent, LivingSituation
from interventions.choices import Audience, NoteStatus, Setting
from interventions.models import Addendum, Encounter, Note
from logbook.models import Entry, Stage
from peersupport.models import RoleGrant, User
from peersupport.roles import Role

from .context import Context, Weighted
from .writer import moment

CREATE, UPDATE, ACCESS = LogEntry.Action.CREATE, LogEntry.Action.UPDATE, LogEntry.Action.ACCESS
# Share of the entries each kind of creation or change may take; reads fill the rest.
SHARES = {
    "client": 0.015,
    "client_closed": 0.002,
    "membership": 0.02,
    "membership_ended": 0.003,
    "consent": 0.02,
    "situation": 0.01,
    "encounter": 0.12,  # two entries each: created, then its activities
    "note": 0.10,  # two entries for a signed note: started, then signed
    "addendum": 0.002,
    "logbook": 0.01,  # two entries each: written, then its themes
}
NOTE_READ_VIA = {
    Audience.CARE_TEAM: (
        ("timeline", 45),
        ("shared_feed", 30),
        ("conversation", 12),
        ("note", 8),
        ("encounter", 5),
    ),
    Audience.PEER_TEAM: (("timeline", 80), ("note", 12), ("encounter", 8)),
    Audience.CLINICAL_TEAM: (("timeline", 80), ("note", 12), ("encounter", 8)),
}
CLIENT_VIEWS = 0.2  # of the reads, a person's record opened (the rest: notes shown)
ADDRESSES = tuple(f"10.20.{a}.{b}" for a in range(1, 4) for b in (11, 23, 37, 52, 68, 91))
USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
)
SIGN_IN_KINDS = (
    (SignInEvent.Kind.SIGNED_IN, 700),
    (SignInEvent.Kind.SIGNED_OUT, 150),
    (SignInEvent.Kind.FAILED, 80),
    (SignInEvent.Kind.SECOND_FACTOR_PASSED, 50),
    (SignInEvent.Kind.SECOND_FACTOR_FAILED, 15),
    (SignInEvent.Kind.LOCKED_OUT, 5),
)
SIGN_INS_PER_AUDIT_ENTRY = 1 / 25


def _utc(epoch: int) -> str:
    # auditlog keeps datetimes as naive UTC text.
    return str(moment(epoch).replace(tzinfo=None))


def _created(fields: dict[str, Any]) -> dict[str, list[str]]:
    """A creation's ``changes``, as auditlog writes them: from nothing to each value, as text."""
    return {name: ["None", str(value)] for name, value in fields.items() if value is not None}


class Trail:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.rng = ctx.rng("audit")
        self.entries: list[tuple[int, int, str, tuple]] = []
        self.readable_notes: list[tuple[int, int, str, int, int, bool]] = []
        sizes = ctx.sizes
        self.budget = sizes.audit
        people, encounters = max(1, sizes.people), max(1, sizes.encounters)
        expected = {
            "client": people,
            "client_closed": people * 0.07,
            "membership": people * 2.1,
            "membership_ended": people * 0.35,
            "consent": people * 2.6,
            "situation": people * 0.8 + encounters * 0.06,
            "encounter": encounters,
            "note": encounters * 0.5,
            "addendum": encounters * 0.01,
            "logbook": max(1, sizes.logbook),
        }
        self.keep = {
            kind: min(1.0, share * self.budget / expected[kind]) for kind, share in SHARES.items()
        }
        self.types = {
            model: ContentType.objects.get_for_model(model).pk
            for model in (
                User,
                RoleGrant,
                Client,
                CareTeamMembership,
                Consent,
                LivingSituation,
                Encounter,
                Note,
                Addendum,
                Entry,
                Stage,
            )
        }
        self.labels = {
            "role": {r.value: str(r.label) for r in Role},
            "team_role": {r.value: str(r.label) for r in TeamRole},
            "purpose": {r.value: str(r.label) for r in Purpose},
            "decision": {r.value: str(r.label) for r in Decision},
            "situation": {r.value: str(r.label) for r in Situation},
            "setting": {r.value: str(r.label) for r in Setting},
        }

    # What the other steps report -------------------------------------------

    def _add(self, at: int, kind: str, payload: tuple) -> None:
        self.entries.append((at, len(self.entries), kind, payload))

    def _kept(self, kind: str) -> bool:
        return self.rng.random() < self.keep[kind]

    def account_created(self, member, joined: int, installer: int, grant_pk: int) -> None:
        self._add(joined, "user", (member.pk, installer))
        self._add(
            joined + 60,
            "role_grant",
            (grant_pk, member.pk, member.role.value, installer, joined + 60),
        )
        if not member.active:
            day = member.left_day if member.left_day is not None else self.ctx.calendar.days - 1
            at = self.ctx.calendar.at(day, 17 * 3600)
            self._add(at, "user_deactivated", (member.pk, installer))

    def membership(self, ctx: Context, person, m) -> None:
        if self._kept("membership"):
            at = ctx.calendar.at(m.joined, self.rng.randrange(8 * 3600, 18 * 3600))
            self._add(
                at,
                "membership",
                (m.pk, person.pk, m.user, m.team_role, m.joined, m.how, m.added_by, at),
            )
        if m.left is not None and self._kept("membership_ended"):
            at = ctx.calendar.at(m.left, self.rng.randrange(8 * 3600, 18 * 3600))
            self._add(
                at, "membership_ended", (m.pk, person.pk, m.user, m.team_role, m.left, m.ended_by)
            )

    def consent(self, pk, person, purpose, row, recorder, at) -> None:
        if self._kept("consent"):
            self._add(at, "consent", (pk, person.pk, purpose.value, row, recorder, at))

    def situation(self, pk, person, situation, day, by, at) -> None:
        if self._kept("situation"):
            self._add(at, "situation", (pk, person.pk, situation, day, by, at))

    def client(self, person, at: int) -> None:
        if self._kept("client"):
            self._add(at, "client", (person.index, at))

    def client_closed(self, person, reason: str, at: int) -> None:
        if self._kept("client_closed"):
            self._add(at, "client_closed", (person.index, reason))

    def encounter(self, pk, person, at, minutes, setting, author, created, activities) -> None:
        if self._kept("encounter"):
            client = None if person is None else person.pk
            self._add(created, "encounter", (pk, client, at, minutes, setting, author, created))
            self._add(
                created,
                "encounter_activities",
                (pk, client, at, setting, author, tuple(activities)),
            )

    def note(self, pk, person, note, status) -> None:
        if note.signed is not None:
            self.readable_notes.append(
                (
                    pk,
                    person.index,
                    note.audience,
                    note.signed,
                    note.author,
                    note.encounter is not None,
                )
            )
        if self._kept("note"):
            self._add(
                note.created,
                "note",
                (
                    pk,
                    person.pk,
                    note.encounter,
                    note.author,
                    note.audience,
                    note.created,
                    note.answers is not None,
                ),
            )
            if status == NoteStatus.SIGNED:
                self._add(note.signed, "note_signed", (pk, person.pk, note.author, note.signed))

    def addendum(self, pk, person, note_pk, author, created) -> None:
        if self._kept("addendum"):
            self._add(created, "addendum", (pk, person.pk, note_pk, author, created))

    def stage(self, pk, name, starts, ends, description, actor) -> None:
        at = self.ctx.calendar.at(0, 9 * 3600)
        self._add(at, "stage", (pk, name, starts, ends, description, actor))

    def logbook_entry(self, pk, title, author, written, themes, fields) -> None:
        if self._kept("logbook"):
            self._add(written, "entry", (pk, title, author, written, fields))
            if themes:
                self._add(written, "entry_themes", (pk, title, author, tuple(themes)))

    # Reads, to the exact number asked -----------------------------------------

    def _fill_with_reads(self) -> None:
        rng, ctx = self.rng, self.ctx
        missing = self.budget - len(self.entries)
        if missing < 0:
            kept = sorted(rng.sample(range(len(self.entries)), self.budget))
            self.entries = [self.entries[i] for i in kept]
            return
        people, end, cal = ctx.people, ctx.calendar.end, ctx.calendar
        vias = {audience: Weighted(rng, choices) for audience, choices in NOTE_READ_VIA.items()}
        for _ in range(missing):
            if self.readable_notes and rng.random() >= CLIENT_VIEWS:
                pk, index, audience, signed, author, with_encounter = rng.choice(
                    self.readable_notes
                )
                person = people[index]
                span = end - 1 - signed
                # Most reads soon after signing, in the working day.
                at = cal.in_working_hours(signed + int(span * rng.random() ** 3), rng)
                if at >= end:
                    at = signed
                day = cal.day_of(at)
                wanted = {Audience.PEER_TEAM: True, Audience.CLINICAL_TEAM: False}.get(audience)
                readers = [
                    m.user for m in person.members_on(day) if wanted is None or m.is_peer == wanted
                ]
                via = vias[audience]()
                if via == "encounter" and not with_encounter:
                    via = "timeline"
                self._add(
                    at,
                    "note_read",
                    (pk, person.pk, rng.choice(readers) if readers else author, via),
                )
            else:
                person = rng.choice(people)
                day = rng.randint(person.intake, person.last_day)
                at = cal.at(day, rng.randrange(8 * 3600, 20 * 3600))
                present = person.members_on(day)
                if present and rng.random() < 0.9:
                    actor = rng.choice(present).user
                else:
                    actor = rng.choice(ctx.staff.coordinators)
                self._add(at, "client_view", (person.index, actor))

    # Writing -----------------------------------------------------------------

    def write(self) -> None:
        ctx = self.ctx
        self._fill_with_reads()
        ctx.say(f"{len(self.entries):,} audit entries, writing")
        self.entries.sort()
        table = ctx.writer.table(
            LogEntry,
            (
                "id",
                "content_type_id",
                "object_pk",
                "object_id",
                "object_repr",
                "action",
                "changes_text",
                "changes",
                "actor_id",
                "remote_addr",
                "timestamp",
                "additional_data",
                "actor_email",
            ),
        )
        first = table.take_pks(len(self.entries))
        render = self._renderers()
        emails = {pk: f"{m.username}@example.org" for pk, m in ctx.staff.members.items()}
        rng = self.rng
        for offset, (at, _seq, kind, payload) in enumerate(self.entries):
            model, object_id, text, action, changes, actor, extra, with_email = render[kind](
                *payload
            )
            table.add(
                (
                    first + offset,
                    self.types[model],
                    str(object_id),
                    object_id,
                    text,
                    action,
                    "",
                    changes,
                    actor,
                    rng.choice(ADDRESSES) if actor is not None else None,
                    moment(at),
                    extra,
                    emails.get(actor) if with_email and actor is not None else None,
                )
            )
        ctx.counts["audit"] = table.count
        self.entries = []
        self._write_sign_ins()

    def _renderers(self) -> dict[str, Callable[..., tuple]]:
        ctx, labels, cal = self.ctx, self.labels, self.ctx.calendar
        staff, people = ctx.staff, ctx.people

        zone = timezone.get_current_timezone()

        def local(epoch: int) -> str:
            return moment(epoch).astimezone(zone).strftime("%Y-%m-%d %H:%M")

        def user(pk, installer):
            m = staff.members[pk]
            fields = {
                "id": pk,
                "username": m.username,
                "first_name": m.first_name,
                "last_name": m.last_name,
                "email": f"{m.username}@example.org",
                "is_active": True,
                "is_staff": False,
                "is_superuser": False,
                "must_change_password": False,
            }
            actor = None if pk == installer else installer
            return User, pk, staff.name_of(pk), CREATE, _created(fields), actor, None, True

        def user_deactivated(pk, installer):
            changes = {"is_active": ["True", "False"]}
            return User, pk, staff.name_of(pk), UPDATE, changes, installer, None, True

        def role_grant(pk, user_pk, role, installer, at):
            fields = {
                "id": pk,
                "user": user_pk,
                "role": role,
                "granted_by": installer,
                "granted_at": _utc(at),
            }
            actor = None if user_pk == installer else installer
            text = f"{staff.members[user_pk].username}: {labels['role'][role]}"
            return RoleGrant, pk, text, CREATE, _created(fields), actor, {"user_id": user_pk}, True

        def client(index, at):
            p = people[index]
            fields = {
                "id": p.pk,
                "display_name": p.name,
                "aliases": p.aliases,
                "legal_first_name": p.legal_first,
                "legal_last_name": p.legal_last,
                "intake_date": cal.dates[p.intake],
                "created_by": p.created_by,
                "created_at": _utc(at),
            }
            return Client, p.pk, p.name, CREATE, _created(fields), p.created_by, None, True

        def client_closed(index, reason):
            p = people[index]
            changes = {
                "closed_on": ["None", str(cal.dates[p.closed])],
                "closed_reason": ["", reason],
            }
            return Client, p.pk, p.name, UPDATE, changes, p.created_by, None, True

        def membership(pk, client_pk, member, team_role, joined, how, added_by, at):
            fields = {
                "id": pk,
                "client": client_pk,
                "member": member,
                "team_role": team_role,
                "joined_on": cal.dates[joined],
                "how": how,
                "added_by": added_by,
                "created_at": _utc(at),
            }
            text = f"{staff.name_of(member)} – {labels['team_role'][team_role]}"
            return (
                CareTeamMembership,
                pk,
                text,
                CREATE,
                _created(fields),
                added_by,
                {"client_id": client_pk},
                True,
            )

        def membership_ended(pk, client_pk, member, team_role, left, ended_by):
            changes = {
                "ended_by": ["None", str(ended_by)],
                "left_on": ["None", str(cal.dates[left])],
            }
            text = f"{staff.name_of(member)} – {labels['team_role'][team_role]}"
            return (
                CareTeamMembership,
                pk,
                text,
                UPDATE,
                changes,
                ended_by,
                {"client_id": client_pk},
                True,
            )

        def consent(pk, client_pk, purpose, row, recorder, at):
            decided, decision, method, expires = row
            fields = {
                "id": pk,
                "client": client_pk,
                "purpose": purpose,
                "decision": decision,
                "decided_on": cal.dates[decided],
                "method": method,
                "expires_on": None if expires is None else cal.dates[expires],
                "recorded_by": recorder,
                "recorded_at": _utc(at),
            }
            words = f"{labels['purpose'][purpose]}: {labels['decision'][decision]}"
            text = f"{words} ({cal.dates[decided]})"
            return (
                Consent,
                pk,
                text,
                CREATE,
                _created(fields),
                recorder,
                {"client_id": client_pk},
                True,
            )

        def situation(pk, client_pk, value, day, by, at):
            fields = {
                "id": pk,
                "client": client_pk,
                "situation": value,
                "recorded_on": cal.dates[day],
                "recorded_by": by,
                "recorded_at": _utc(at),
            }
            text = f"{labels['situation'][value]} ({cal.dates[day]})"
            return (
                LivingSituation,
                pk,
                text,
                CREATE,
                _created(fields),
                by,
                {"client_id": client_pk},
                True,
            )

        def encounter(pk, client_pk, at, minutes, setting, author, created):
            fields = {
                "id": pk,
                "client": client_pk,
                "occurred_at": _utc(at),
                "duration_minutes": minutes,
                "setting": setting,
                "author": author,
                "created_at": _utc(created),
            }
            text = f"{labels['setting'][setting]} · {local(at)}"
            return (
                Encounter,
                pk,
                text,
                CREATE,
                _created(fields),
                author,
                {"client_id": client_pk},
                True,
            )

        activity_names = {}

        def encounter_activities(pk, client_pk, at, setting, author, activities):
            if not activity_names:
                from interventions.models import Activity

                activity_names.update(Activity.objects.values_list("pk", "name_en"))
            changes = {
                "activities": {
                    "type": "m2m",
                    "operation": "add",
                    "objects": [activity_names[a] for a in activities],
                }
            }
            text = f"{labels['setting'][setting]} · {local(at)}"
            return Encounter, pk, text, UPDATE, changes, author, {"client_id": client_pk}, True

        def note(pk, client_pk, encounter_pk, author, audience, created, is_answer):
            fields = {
                "id": pk,
                "client": client_pk,
                "encounter": encounter_pk,
                "author": author,
                "audience": audience,
                "status": NoteStatus.DRAFT.value,
                "created_at": _utc(created),
            }
            return (
                Note,
                pk,
                f"Note {pk}",
                CREATE,
                _created(fields),
                author,
                {"client_id": client_pk},
                True,
            )

        def note_signed(pk, client_pk, author, signed):
            changes = {"status": ["draft", "signed"], "signed_at": ["None", _utc(signed)]}
            return Note, pk, f"Note {pk}", UPDATE, changes, author, {"client_id": client_pk}, True

        def addendum(pk, client_pk, note_pk, author, created):
            fields = {"id": pk, "note": note_pk, "author": author, "created_at": _utc(created)}
            extra = {"client_id": client_pk, "note_id": note_pk}
            return Addendum, pk, f"Addendum {pk}", CREATE, _created(fields), author, extra, True

        def stage(pk, name, starts, ends, description, actor):
            fields = {
                "id": pk,
                "name": name,
                "starts_on": starts,
                "ends_on": ends,
                "description": description,
            }
            return Stage, pk, name, CREATE, _created(fields), actor, None, True

        def entry(pk, title, author, written, fields):
            values = {
                "id": pk,
                "title": title,
                "author": author,
                "created_at": _utc(written),
                **fields,
            }
            return Entry, pk, title, CREATE, _created(values), author, None, True

        def entry_themes(pk, title, author, themes):
            changes = {"themes": {"type": "m2m", "operation": "add", "objects": list(themes)}}
            return Entry, pk, title, UPDATE, changes, author, None, True

        def note_read(pk, client_pk, reader, via):
            # As ``peersupport.audit.record_reads`` writes them.
            return (
                Note,
                pk,
                f"Note {pk}",
                ACCESS,
                {},
                reader,
                {"client_id": client_pk, "via": via},
                False,
            )

        def client_view(index, actor):
            p = people[index]
            return Client, p.pk, p.name, ACCESS, None, actor, None, True

        return {
            "user": user,
            "user_deactivated": user_deactivated,
            "role_grant": role_grant,
            "client": client,
            "client_closed": client_closed,
            "membership": membership,
            "membership_ended": membership_ended,
            "consent": consent,
            "situation": situation,
            "encounter": encounter,
            "encounter_activities": encounter_activities,
            "note": note,
            "note_signed": note_signed,
            "addendum": addendum,
            "stage": stage,
            "entry": entry,
            "entry_themes": entry_themes,
            "note_read": note_read,
            "client_view": client_view,
        }

    def _write_sign_ins(self) -> None:
        ctx, rng, cal = self.ctx, self.rng, self.ctx.calendar
        count = int(self.budget * SIGN_INS_PER_AUDIT_ENTRY)
        table = ctx.writer.table(
            SignInEvent,
            ("id", "at", "kind", "user_id", "username", "actor_id", "address", "user_agent"),
        )
        active = [pk for pk, m in ctx.staff.members.items() if m.active]
        kind = Weighted(rng, SIGN_IN_KINDS)
        planned = sorted(
            (
                cal.at(rng.randrange(0, cal.days), rng.randrange(7 * 3600, 21 * 3600)),
                rng.choice(active),
                kind(),
            )
            for _ in range(count)
        )
        first = table.take_pks(len(planned))
        for offset, (at, user_pk, event) in enumerate(planned):
            username = ctx.staff.members[user_pk].username
            user_id: int | None = user_pk
            if event == SignInEvent.Kind.FAILED and rng.random() < 0.1:
                user_id, username = None, username.replace("-", "")  # a username mistyped
            table.add(
                (
                    first + offset,
                    moment(at),
                    event,
                    user_id,
                    username,
                    None,
                    rng.choice(ADDRESSES),
                    rng.choice(USER_AGENTS),
                )
            )
        ctx.counts["sign_in_events"] = table.count
