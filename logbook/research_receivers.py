"""What tells the research figures that something they count has changed.

Model signals rather than calls in each service, so that no service, command,
admin action or test can change a counted row and forget: saves and deletes of
encounters, people, merges, group sessions, attendance, referrals, partners,
activities and accounts, and changes to an encounter's activities and
participants from either side. A merge moves rows with update queries, which
send no signal: the merge itself says which people's months to count again.

Each receiver writes one ``ResearchChange`` row, in the writer's transaction,
and reads nothing: a change it cannot place in a month without a query (an
encounter named by number) is placed when the figures are next read.

Not seen: ``bulk_create``, ``QuerySet.update`` and raw SQL on these tables
outside a merge, and rows of the activities and participants relations written
or deleted through their own model (Django sends no signal for those);
whatever does that calls ``research_summary.count_everything_again``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save

from clients.models import Client, ClientMerge
from groups.models import GroupAttendance, GroupSession
from interventions.models import Activity, Encounter
from partners.models import Partner
from referrals.models import Referral

from .research_summary import changed

UNKNOWN = object()  # a field that was not loaded (deferred) when the row was read
BASIS = "_research_basis"

# The fields of each model the figures depend on, by attribute name.
COUNTED = {
    Encounter: ("occurred_at", "client_id", "anonymous_count", "setting"),
    Client: ("intake_date", "merged_into_id"),
    GroupSession: ("held_on", "cancelled_at", "anonymous_count"),
    GroupAttendance: ("session_id",),
    Partner: ("kind", "is_internal"),
    Activity: ("name_en",),
}


def _values(instance: Any) -> dict[str, Any]:
    loaded = instance.__dict__
    return {name: loaded.get(name, UNKNOWN) for name in COUNTED[type(instance)]}


def remember(sender: Any, instance: Any, **kwargs: Any) -> None:
    """``post_init``: the counted values as read, to know what a save changed."""
    setattr(instance, BASIS, _values(instance))


def _before_and_now(
    instance: Any, update_fields: Any
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The counted values before and after a save, or None when the save
    could not have changed any (``update_fields`` names none of them, or none
    differs); the basis moves on to what was saved."""
    now = _values(instance)
    before = getattr(instance, BASIS, None) or dict.fromkeys(now, UNKNOWN)
    setattr(instance, BASIS, now)
    if update_fields is not None:
        names = {instance._meta.get_field(n).attname for n in update_fields}
        if not names & set(now):
            return None
    if before == now:
        return None
    return before, now


# Encounters and their relations.


def encounter_saved(
    sender: Any, instance: Encounter, created: bool, update_fields: Any = None, **kwargs: Any
) -> None:
    if created:
        setattr(instance, BASIS, _values(instance))
        changed(months=[instance.occurred_at])
        return
    change = _before_and_now(instance, update_fields)
    if change is None:
        return
    before, now = change
    if before["occurred_at"] is UNKNOWN:
        changed(everything=True)  # the month it left is not known
    else:
        changed(months=[before["occurred_at"], now["occurred_at"]])


def encounter_deleted(sender: Any, instance: Encounter, **kwargs: Any) -> None:
    changed(months=[instance.occurred_at])


def encounter_links_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any
) -> None:
    """An encounter's activities or participants, from either side."""
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if not reverse:
        if action == "post_clear" or pk_set:
            occurred_at = instance.__dict__.get("occurred_at")
            if occurred_at is None:
                changed(encounters=[instance.pk])
            else:
                changed(months=[occurred_at])
    elif action == "post_clear":
        changed(everything=True)  # an activity or account let go of all its encounters
    elif pk_set:
        changed(encounters=pk_set)


def account_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Accounts are deactivated, not deleted; a deleted one takes its
    participations with it, without a signal for the relation's rows."""
    changed(everything=True)


# People, merges.


def client_saved(
    sender: Any, instance: Client, created: bool, update_fields: Any = None, **kwargs: Any
) -> None:
    if created:
        setattr(instance, BASIS, _values(instance))
        changed(months=[instance.intake_date])
        return
    change = _before_and_now(instance, update_fields)
    if change is None:
        return
    before, now = change
    if before["intake_date"] is UNKNOWN:
        changed(everything=True)
        return
    # A merged-away record is no longer counted, nor are its referrals.
    changed(
        months=[before["intake_date"], now["intake_date"]],
        referrals=before["merged_into_id"] != now["merged_into_id"],
    )


def client_deleted(sender: Any, instance: Client, **kwargs: Any) -> None:
    changed(months=[instance.intake_date], referrals=True)


def client_merged(sender: Any, instance: ClientMerge, created: bool, **kwargs: Any) -> None:
    """Encounters, referrals and attendance moved by update queries: every
    month of both records' encounters is counted again."""
    if created:
        changed(clients=[instance.kept_id, instance.merged_id], referrals=True)


# Support groups.


def session_saved(
    sender: Any, instance: GroupSession, created: bool, update_fields: Any = None, **kwargs: Any
) -> None:
    if created:
        setattr(instance, BASIS, _values(instance))
        changed(months=[instance.held_on])
        return
    change = _before_and_now(instance, update_fields)
    if change is None:
        return
    before, now = change
    if before["held_on"] is UNKNOWN:
        changed(everything=True)
    else:
        changed(months=[before["held_on"], now["held_on"]])


def session_deleted(sender: Any, instance: GroupSession, **kwargs: Any) -> None:
    changed(months=[instance.held_on])


def attendance_changed(sender: Any, instance: GroupAttendance, **kwargs: Any) -> None:
    before = getattr(instance, BASIS, {}).get("session_id")
    setattr(instance, BASIS, _values(instance))
    if GroupAttendance.session.is_cached(instance):
        changed(months=[instance.session.held_on])
    else:
        changed(sessions=[instance.session_id])
    if before not in (None, UNKNOWN, instance.session_id):
        changed(sessions=[before])


# Referrals and what they are counted by.


def referral_changed(sender: Any, instance: Referral, **kwargs: Any) -> None:
    changed(referrals=True)


def partner_saved(
    sender: Any, instance: Partner, created: bool, update_fields: Any = None, **kwargs: Any
) -> None:
    if created:
        setattr(instance, BASIS, _values(instance))
    elif _before_and_now(instance, update_fields) is not None:
        changed(referrals=True)


def activity_saved(
    sender: Any, instance: Activity, created: bool, update_fields: Any = None, **kwargs: Any
) -> None:
    """Activities are counted by their English name: a new name is a new column in every month."""
    if created:
        setattr(instance, BASIS, _values(instance))
    elif _before_and_now(instance, update_fields) is not None:
        changed(everything=True)


def activity_deleted(sender: Any, instance: Activity, **kwargs: Any) -> None:
    changed(everything=True)


def connect() -> None:
    """Called once, from the logbook's ``AppConfig.ready``."""
    for model in COUNTED:
        post_init.connect(
            remember, sender=model, dispatch_uid=f"research.remember.{model.__name__}"
        )
    receivers: list[tuple[Any, Any, Any]] = [
        (post_save, encounter_saved, Encounter),
        (post_delete, encounter_deleted, Encounter),
        (post_save, client_saved, Client),
        (post_delete, client_deleted, Client),
        (post_save, client_merged, ClientMerge),
        (post_save, session_saved, GroupSession),
        (post_delete, session_deleted, GroupSession),
        (post_save, attendance_changed, GroupAttendance),
        (post_delete, attendance_changed, GroupAttendance),
        (post_save, referral_changed, Referral),
        (post_delete, referral_changed, Referral),
        (post_save, partner_saved, Partner),
        (post_delete, referral_changed, Partner),
        (post_save, activity_saved, Activity),
        (post_delete, activity_deleted, Activity),
        (post_delete, account_deleted, get_user_model()),
    ]
    receivers += [
        (m2m_changed, encounter_links_changed, relation.through)
        for relation in (Encounter.activities, Encounter.participants)
    ]
    for signal, receiver, sender in receivers:
        name = getattr(sender, "__name__", str(sender))
        signal.connect(receiver, sender=sender, dispatch_uid=f"research.{receiver.__name__}.{name}")
