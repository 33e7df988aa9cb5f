"""Keeping the activity list: coordinators add, rename, map to service codes,
retire and restore activities. Nothing here deletes one: encounters keep the
activities they were logged with, and reports count them by name.

The list is configuration, not confidential: the only rule is who may change it.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peersupport.access import require_ability
from peersupport.audit import acting_as
from peersupport.concurrency import VersionedFormMixin
from peersupport.form_tools import submit_helper
from peersupport.roles import Ability
from peersupport.submissions import OnceFormMixin

from .models import Activity


def activities_for(viewer) -> QuerySet[Activity]:
    """Every activity, offered ones first, for those who keep the list."""
    if not viewer.can(Ability.MANAGE_ACTIVITIES):
        return Activity.objects.none()
    return Activity.objects.order_by("-is_active", "position", "pk")


def _clashing_names(activity: Activity) -> dict[str, str]:
    # Reports count encounters by activity name: two activities with one name
    # would be added together, so a name is used once in either language.
    # Compared in Python: SQLite ignores case for ASCII letters only, and the
    # list holds a few dozen rows.
    taken = {
        name.casefold()
        for pair in Activity.objects.exclude(pk=activity.pk).values_list("name_en", "name_fr")
        for name in pair
    }
    return {
        field: _("Another activity already has this name.")
        for field in ("name_en", "name_fr")
        if getattr(activity, field).casefold() in taken
    }


@transaction.atomic
def activity_save(*, acting_user, activity: Activity) -> Activity:
    """Add an activity or change its names, service codes or position."""
    require_ability(acting_user, Ability.MANAGE_ACTIVITIES)
    activity.name_en, activity.name_fr = activity.name_en.strip(), activity.name_fr.strip()
    activity.full_clean()
    if errors := _clashing_names(activity):
        raise ValidationError(errors)
    with acting_as(acting_user):
        activity.save()
    return activity


@transaction.atomic
def activity_retire(*, acting_user, activity: Activity) -> Activity:
    """Stop offering an activity in new encounters; past encounters keep it."""
    return _set_offered(acting_user=acting_user, activity=activity, offered=False)


@transaction.atomic
def activity_restore(*, acting_user, activity: Activity) -> Activity:
    """Offer a retired activity again."""
    return _set_offered(acting_user=acting_user, activity=activity, offered=True)


def _set_offered(*, acting_user, activity: Activity, offered: bool) -> Activity:
    require_ability(acting_user, Ability.MANAGE_ACTIVITIES)
    # An encounter needs at least one activity: without any on offer, nobody
    # could log one. Rows locked so two retirements cannot both pass.
    if not offered and activity.is_active:
        offered_now = Activity.objects.select_for_update().filter(is_active=True)
        if not offered_now.exclude(pk=activity.pk).exists():
            raise ValidationError(
                _("This is the last activity offered: add or restore another one first.")
            )
    if activity.is_active != offered:
        with acting_as(acting_user):
            activity.is_active = offered
            activity.save(update_fields=["is_active"])
    return activity


class ActivityForm(VersionedFormMixin, OnceFormMixin, forms.ModelForm):
    """Names in both languages, the matching service types, and the place in lists.

    Retiring is a separate button, never a field that could be unticked by mistake.
    """

    class Meta:
        model = Activity
        fields = ["name_en", "name_fr", "hifis_code", "hmis_code", "position"]
        help_texts = {
            "name_fr": gettext_lazy("Shown to people who use the product in French."),
            "hifis_code": gettext_lazy("The HIFIS service type this activity counts as, if any."),
            "hmis_code": gettext_lazy("The HMIS service this activity counts as, if any."),
            "position": gettext_lazy("Smaller numbers come first on the encounter form."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Save"))
