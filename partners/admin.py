"""Admin for the partner directory: read-only, and only what the policy shows."""

from django.contrib import admin

from peersupport.admin_mixins import ReadOnlyAdminMixin

from .access import partner_policy
from .models import Partner


@admin.register(Partner)
class PartnerAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    # The status is shown, never changed here: partners:status keeps its history.
    list_display = [
        "name",
        "kind",
        "is_internal",
        "is_active",
        "service_status",
        "capacity_note",
        "status_updated_at",
    ]
    list_filter = ["service_status"]

    def get_queryset(self, request):
        return partner_policy.visible_to(request.user)
