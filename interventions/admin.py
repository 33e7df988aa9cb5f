"""Admin of the interventions app. Note bodies never appear here: notes are
listed as metadata through the policy, and nothing confidential is editable.
The activity list is configuration, which coordinators keep here."""

from django.contrib import admin

from peersupport.admin_mixins import ReadOnlyAdminMixin

from . import access
from .models import Activity, EmergencyAccess, Encounter, Note


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_fr", "hifis_code", "hmis_code", "position", "is_active"]
    list_editable = ["position", "is_active"]

    def has_delete_permission(self, request, obj=None):
        return False  # retire an activity (untick "offered"): encounters keep it


@admin.register(Note)
class NoteAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["pk", "client", "author", "audience", "status", "signed_at"]
    list_filter = ["audience", "status"]
    fields = ["client", "encounter", "author", "audience", "status", "created_at", "signed_at"]

    def get_queryset(self, request):
        return access.note_metadata_visible_to(request.user).select_related("client", "author")


@admin.register(Encounter)
class EncounterAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["occurred_at", "setting", "client", "anonymous_count", "author"]
    list_filter = ["setting"]
    exclude = ["next_steps"]

    def get_queryset(self, request):
        return access.encounters_visible_to(request.user).select_related("client", "author")


@admin.register(EmergencyAccess)
class EmergencyAccessAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["granted_at", "user", "client", "reason", "review_status"]
    list_filter = ["review_status", "reason"]

    def get_queryset(self, request):
        return access.emergency_accesses_visible_to(request.user).select_related("user", "client")
