"""Admin of the interventions app. Note bodies never appear here: notes are
listed as metadata through the policy, and nothing here is editable. The
activity list is kept on the coordinators' Activities screen, whose services
hold its guards (the last activity on offer stays) and write the audit trail."""

from django.contrib import admin

from peersupport.admin_mixins import ReadOnlyAdminMixin

from .access import emergency_access_policy, encounter_policy, note_policy
from .models import Activity, EmergencyAccess, Encounter, Note


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name_en", "name_fr", "hifis_code", "hmis_code", "position", "is_active"]


@admin.register(Note)
class NoteAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["pk", "client", "author", "audience", "status", "signed_at"]
    list_filter = ["audience", "status"]
    fields = ["client", "encounter", "author", "audience", "status", "created_at", "signed_at"]

    def get_queryset(self, request):
        return note_policy.metadata_visible_to(request.user).select_related("client", "author")


@admin.register(Encounter)
class EncounterAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["occurred_at", "setting", "client", "anonymous_count", "author"]
    list_filter = ["setting"]
    exclude = ["next_steps"]

    def get_queryset(self, request):
        return encounter_policy.visible_to(request.user).select_related("client", "author")


@admin.register(EmergencyAccess)
class EmergencyAccessAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["granted_at", "user", "client", "reason", "review_status"]
    list_filter = ["review_status", "reason"]

    def get_queryset(self, request):
        return emergency_access_policy.visible_to(request.user).select_related("user", "client")
