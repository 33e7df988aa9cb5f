"""Every change to the register. Each service runs in one transaction, asks
the register's policies whether ``acting_user`` may make the change (so a view
that forgets cannot open a hole), checks the record with ``full_clean``, and is
attributed to ``acting_user`` in the audit trail.

Rows are created by instantiating them and read or locked through
``selectors``: nothing here queries a model's manager.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peersupport.audit import acting_as
from peersupport.models import User
from peersupport.roles import Role

from . import selectors
from .access import (
    CareTeamMembershipPolicy,
    ClientJoinPolicy,
    ClientMergePolicy,
    ClientPolicy,
    ConsentPolicy,
    LivingSituationPolicy,
    care_team_membership_policy,
    client_join_policy,
    client_merge_policy,
    client_policy,
    consent_policy,
    living_situation_policy,
)
from .choices import (
    Decision,
    HealthCoverage,
    JoinedHow,
    NoAnswer,
    Purpose,
    Situation,
    TeamRole,
)
from .models import CareTeamMembership, Client, ClientMerge, Consent, LivingSituation, fold

# Fields a person's record can be edited through; the rest are kept by services.
CLIENT_DETAIL_FIELDS = [
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
]


def _team_role_for(user: User) -> TeamRole:
    return TeamRole.PEER if user.has_role(Role.PEER) else TeamRole.CLINICIAN


@transaction.atomic
def client_register(
    *,
    acting_user: User,
    details: dict[str, Any],
    situation: Situation | None = None,
    situation_detail: str = "",
) -> Client:
    """Register a person. A peer or clinician who registers someone joins their team."""
    client_policy.check(acting_user, ClientPolicy.Action.CREATE)
    with acting_as(acting_user):
        client = Client(created_by=acting_user, **details)
        # The intake is when the person was met; entering them later is not a contact.
        client.last_contact_on = client.intake_date
        client.full_clean()
        client.save()
        if situation:
            _situation(client, acting_user, situation, situation_detail, client.intake_date).save()
        if client_join_policy.can(acting_user, ClientJoinPolicy.Action.JOIN):
            _save_member(
                _membership(
                    client=client,
                    member=acting_user,
                    team_role=_team_role_for(acting_user),
                    how=JoinedHow.REGISTERED,
                    added_by=acting_user,
                )
            )
    return client


@transaction.atomic
def client_update(*, acting_user: User, client: Client, details: dict[str, Any]) -> Client:
    client_policy.check(acting_user, ClientPolicy.Action.EDIT, client)
    intake_before = client.intake_date
    with acting_as(acting_user):
        for field, value in details.items():
            if field not in CLIENT_DETAIL_FIELDS:
                raise ValueError(f"{field} is not editable")
            setattr(client, field, value)
        client.full_clean()
        if client.intake_date != intake_before:
            client.last_contact_on = selectors.latest_contact_on(client)
        client.save()
    return client


def client_record_contact(*, client: Client, on: date) -> None:
    """A contact on ``on``: keeps the person active (and reactivates them).

    A step of other services (a situation recorded, a team joined, an encounter
    logged), which have checked their own policy: it takes no acting user."""
    if on > client.last_contact_on:
        client.last_contact_on = on
        client.save(update_fields=["last_contact_on"])


def _situation(
    client: Client, acting_user: User, situation: Situation, detail: str, recorded_on: date
) -> LivingSituation:
    record = LivingSituation(
        client=client,
        situation=situation,
        detail=detail,
        recorded_on=recorded_on,
        recorded_by=acting_user,
    )
    record.full_clean()
    return record


@transaction.atomic
def client_record_situation(
    *,
    acting_user: User,
    client: Client,
    situation: Situation,
    detail: str = "",
    recorded_on: date | None = None,
) -> LivingSituation:
    """Add to the living situation history; the history is never rewritten."""
    living_situation_policy.check(
        acting_user, LivingSituationPolicy.Action.RECORD, LivingSituation(client=client)
    )
    recorded_on = recorded_on or timezone.localdate()
    if recorded_on > timezone.localdate():
        raise ValidationError({"recorded_on": _("This date is in the future.")})
    with acting_as(acting_user):
        record = _situation(client, acting_user, situation, detail, recorded_on)
        record.save()
        client_record_contact(client=client, on=recorded_on)
    return record


@transaction.atomic
def client_close(
    *,
    acting_user: User,
    client: Client,
    reason: str,
    note: str = "",
    closed_on: date | None = None,
) -> Client:
    client_policy.check(acting_user, ClientPolicy.Action.CLOSE, client)
    before = client.closed_on, client.closed_reason, client.closed_note
    client.closed_on, client.closed_reason, client.closed_note = (
        closed_on or timezone.localdate(),
        reason,
        note,
    )
    try:
        client.full_clean()
    except ValidationError:
        # Refused: the caller's copy stays open, like the database.
        client.closed_on, client.closed_reason, client.closed_note = before
        raise
    with acting_as(acting_user):
        client.save()
    return client


@transaction.atomic
def client_reopen(*, acting_user: User, client: Client) -> Client:
    client_policy.check(acting_user, ClientPolicy.Action.REOPEN, client)
    with acting_as(acting_user):
        client.closed_on = None
        client.closed_reason = ""
        client.closed_note = ""
        client.last_contact_on = max(client.last_contact_on, timezone.localdate())
        client.save()
    return client


@transaction.atomic
def consent_record(
    *,
    acting_user: User,
    client: Client,
    purpose: Purpose,
    decision: Decision,
    decided_on: date | None = None,
    method: str = "",
    expires_on: date | None = None,
    comment: str = "",
) -> Consent:
    """Record a decision; it supersedes the earlier ones for that purpose.

    A withdrawal always counts from today, so that it cannot be dated behind
    a consent and silently lose to it.
    """
    if decision == Decision.WITHDRAWN:
        decided_on = timezone.localdate()
    consent = Consent(
        client=client,
        purpose=purpose,
        decision=decision,
        decided_on=decided_on or timezone.localdate(),
        method=method,
        expires_on=expires_on,
        comment=comment,
        recorded_by=acting_user,
    )
    A = ConsentPolicy.Action
    consent_policy.check(
        acting_user, A.WITHDRAW if decision == Decision.WITHDRAWN else A.RECORD, consent
    )
    with acting_as(acting_user):
        consent.full_clean()
        consent.save()
    return consent


@transaction.atomic
def consent_withdraw(
    *, acting_user: User, client: Client, purpose: Purpose, comment: str = ""
) -> Consent:
    """Withdraw consent for a purpose, today. Never refused to the care team,
    whatever came before."""
    consent = Consent(
        client=client,
        purpose=purpose,
        decision=Decision.WITHDRAWN,
        decided_on=timezone.localdate(),
        comment=comment,
        recorded_by=acting_user,
    )
    consent_policy.check(acting_user, ConsentPolicy.Action.WITHDRAW, consent)
    with acting_as(acting_user):
        consent.save()
    return consent


def _membership(
    *,
    client: Client,
    member: User,
    team_role: TeamRole,
    how: JoinedHow,
    added_by: User,
    reason: str = "",
) -> CareTeamMembership:
    return CareTeamMembership(
        client=client,
        member=member,
        team_role=team_role,
        how=how,
        reason=reason,
        added_by=added_by,
    )


def _save_member(membership: CareTeamMembership) -> CareTeamMembership:
    member = membership.member
    if selectors.current_memberships(membership.client).filter(member=member).exists():
        raise ValidationError(
            {"member": _("%(name)s is already on this care team.") % {"name": member}}
        )
    membership.full_clean(validate_constraints=False)
    membership.save()
    return membership


def _check_member_fits(member: User, team_role: TeamRole) -> None:
    needed = Role.PEER if team_role == TeamRole.PEER else Role.CLINICIAN
    if not member.is_active:
        raise ValidationError({"member": _("This account is deactivated.")})
    if not member.has_role(needed):
        raise ValidationError(
            {
                "team_role": _("%(name)s does not hold the role of %(role)s.")
                % {"name": member, "role": needed.label}
            }
        )


@transaction.atomic
def team_add_member(
    *, acting_user: User, client: Client, member: User, team_role: TeamRole, reason: str = ""
) -> CareTeamMembership:
    """A coordinator puts a peer or clinician on a person's care team."""
    membership = _membership(
        client=client,
        member=member,
        team_role=team_role,
        how=JoinedHow.ASSIGNED,
        added_by=acting_user,
        reason=reason,
    )
    care_team_membership_policy.check(acting_user, CareTeamMembershipPolicy.Action.ADD, membership)
    _check_member_fits(member, TeamRole(team_role))
    if client.dual_relationships.filter(user=member).exists():
        raise ValidationError(
            {
                "member": _(
                    "%(name)s declared this record as their own: they cannot be on its care team."
                )
                % {"name": member}
            }
        )
    with acting_as(acting_user):
        return _save_member(membership)


@transaction.atomic
def team_join(*, acting_user: User, client: Client, reason: str) -> CareTeamMembership:
    """A peer or clinician who met the person joins their team, saying why."""
    client_join_policy.check(acting_user, ClientJoinPolicy.Action.JOIN, client)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why you are joining this person’s team.")})
    with acting_as(acting_user):
        membership = _save_member(
            _membership(
                client=client,
                member=acting_user,
                team_role=_team_role_for(acting_user),
                how=JoinedHow.JOINED,
                added_by=acting_user,
                reason=reason,
            )
        )
        client_record_contact(client=client, on=timezone.localdate())
    return membership


@transaction.atomic
def team_end_membership(*, acting_user: User, membership: CareTeamMembership) -> CareTeamMembership:
    """Take someone off a care team. The membership stays in the history."""
    care_team_membership_policy.check(acting_user, CareTeamMembershipPolicy.Action.END, membership)
    if membership.left_on is not None:
        raise ValidationError(_("This person has already left the team."))
    with acting_as(acting_user):
        membership.left_on = timezone.localdate()
        membership.ended_by = acting_user
        membership.save(update_fields=["left_on", "ended_by"])
    return membership


# What the kept record takes from the merged one. Fields that only make sense
# together move together (a year and whether it is an estimate). Each group is
# ranked: nothing recorded, a recorded non-answer ("not asked", "doesn't know",
# "prefers not"), or a real answer; the kept record takes the duplicate's group
# only when it ranks higher, so a real answer always wins over a non-answer.
_NO_ANSWERS = frozenset(NoAnswer.values) | {HealthCoverage.UNKNOWN}
_EMPTY, _NON_ANSWER, _ANSWER = 0, 1, 2


Rank = Callable[[Client], int]


def _text_rank(*fields: str) -> Rank:
    def rank(client: Client) -> int:
        return _ANSWER if any(getattr(client, field) for field in fields) else _EMPTY

    return rank


def _answer_or_code_rank(answer_fields: tuple[str, ...], code_field: str) -> Rank:
    def rank(client: Client) -> int:
        if any(getattr(client, field) not in ("", None) for field in answer_fields):
            return _ANSWER
        return _NON_ANSWER if getattr(client, code_field) else _EMPTY

    return rank


def _choice_rank(field: str) -> Rank:
    def rank(client: Client) -> int:
        value = getattr(client, field)
        if not value:
            return _EMPTY
        return _NON_ANSWER if value in _NO_ANSWERS else _ANSWER

    return rank


_MERGED_DETAILS: list[tuple[tuple[str, ...], Rank]] = [
    (
        ("legal_first_name", "legal_last_name", "legal_name_no_answer"),
        _answer_or_code_rank(("legal_first_name", "legal_last_name"), "legal_name_no_answer"),
    ),
    (
        ("birth_year", "birth_year_estimated", "birth_year_no_answer"),
        _answer_or_code_rank(("birth_year",), "birth_year_no_answer"),
    ),
    (("gender", "gender_self_described"), _choice_rank("gender")),
    (("health_coverage",), _choice_rank("health_coverage")),
    (("pronouns",), _text_rank("pronouns")),
    (("languages",), _text_rank("languages")),
    (("phone",), _text_rank("phone")),
    (("where_to_find",), _text_rank("where_to_find")),
    (("referral_source", "referral_detail"), _text_rank("referral_source", "referral_detail")),
]


@transaction.atomic
def client_merge(
    *, acting_user: User, keep: Client, merge_away: Client, reason: str
) -> ClientMerge:
    """Merge two records of one person into ``keep``.

    Everything that points at ``merge_away``, in any app, moves to ``keep``;
    ``merge_away`` stays, marked as merged, so nothing is lost.
    """
    if keep.pk == merge_away.pk:
        raise ValidationError(_("A record cannot be merged with itself."))
    if keep.merged_into_id or merge_away.merged_into_id:
        raise ValidationError(_("This record has already been merged."))
    merge = ClientMerge(
        kept=keep,
        merged=merge_away,
        merged_display_name=merge_away.display_name,
        reason=reason,
        merged_by=acting_user,
    )
    client_merge_policy.check(acting_user, ClientMergePolicy.Action.MERGE, merge)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why these records are the same person.")})
    # Lock both rows so that nothing is attached to the old record meanwhile.
    selectors.lock_clients([keep.pk, merge_away.pk])
    today = timezone.localdate()
    with acting_as(acting_user):
        on_both = set(selectors.current_memberships(keep).values_list("member", flat=True))
        for duplicate in selectors.current_memberships(merge_away).filter(member__in=on_both):
            duplicate.left_on, duplicate.ended_by = today, acting_user
            duplicate.save(update_fields=["left_on", "ended_by"])

        # Which rows moved, by id, so the audit trail can tell them apart later.
        moved = {}
        for label, field, rows in selectors.rows_pointing_at(merge_away):
            rows = rows.exclude(
                pk__in=selectors.rows_that_would_repeat(rows, field, keep).values("pk")
            )
            ids = sorted(rows.values_list("pk", flat=True))
            if ids:
                rows.update(**{field: keep})
                moved[label] = ids

        for group, rank in _MERGED_DETAILS:
            if rank(merge_away) > rank(keep):
                for field in group:
                    setattr(keep, field, getattr(merge_away, field))
        known = {fold(name) for name in [keep.display_name, keep.legal_name, *keep.alias_list]}
        new_names = []
        for name in [merge_away.display_name, merge_away.legal_name, *merge_away.alias_list]:
            if name and fold(name) not in known:
                known.add(fold(name))
                new_names.append(name)
        keep.aliases = "\n".join([*keep.alias_list, *new_names])
        keep.intake_date = min(keep.intake_date, merge_away.intake_date)
        keep.last_contact_on = max(keep.last_contact_on, merge_away.last_contact_on)
        keep.full_clean()
        keep.save()

        merge_away.merged_into = keep
        merge_away.save(update_fields=["merged_into"])
        merge.moved = moved
        merge.save()
        return merge
