"""Admin for accounts: read-only, through the account policy. Accounts and
roles change only in the app (/staff/), whose services keep the guards and
the audit trail."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from peersupport.admin_mixins import PolicyAdminMixin, ReadOnlyAdminMixin
from peersupport.models import RoleGrant, User

from .access import account_policy


class RoleGrantInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    extra = 0
    readonly_fields = ["role", "granted_by", "granted_at"]


@admin.register(User)
class UserAdmin(PolicyAdminMixin, ReadOnlyAdminMixin, BaseUserAdmin):
    policy = account_policy
    inlines = [RoleGrantInline]
    list_display = ["username", "first_name", "last_name", "is_active", "last_login"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Password policy"), {"fields": ["must_change_password"]}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("role_grants")
