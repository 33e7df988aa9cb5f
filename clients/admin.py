"""Admin for the register: read-only, and only what the access policy shows."""

from django.contrib import admin

from .access import clients_visible_to, partners_visible_to
from .models import Client, Partner


class PolicyReadOnlyAdmin(admin.ModelAdmin):
    """Changes go through the app's services; the admin only looks."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Client)
class ClientAdmin(PolicyReadOnlyAdmin):
    list_display = ["display_name", "intake_date", "last_contact_on", "closed_on"]
    search_fields = ["search_text"]
    exclude = ["search_text"]

    def get_queryset(self, request):
        return clients_visible_to(request.user)

    def has_view_permission(self, request, obj=None):
        return obj is None or clients_visible_to(request.user).filter(pk=obj.pk).exists()


@admin.register(Partner)
class PartnerAdmin(PolicyReadOnlyAdmin):
    list_display = ["name", "kind", "is_active"]

    def get_queryset(self, request):
        return partners_visible_to(request.user)
