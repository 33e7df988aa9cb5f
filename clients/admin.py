"""Admin for the register: read-only, and only what the access policy shows."""

from django.contrib import admin

from peersupport.admin_mixins import ReadOnlyAdminMixin
from peersupport.audit import record_view

from .access import client_policy
from .models import Client


@admin.register(Client)
class ClientAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["display_name", "intake_date", "last_contact_on", "closed_on"]
    search_fields = ["search_text"]
    exclude = ["search_text"]

    def get_queryset(self, request):
        return client_policy.visible_to(request.user)

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        # With no record: the list, which the policy's queryset leaves empty for
        # someone who may not use the register.
        return allowed and (
            obj is None or client_policy.can(request.user, client_policy.Action.VIEW, obj)
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if response.status_code == 200:
            record_view(client_policy.visible_to(request.user).get(pk=object_id))
        return response
