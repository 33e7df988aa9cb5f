"""Admin for the audit trail: read-only, through the trail's policy.

The admin of accounts lives in the accounts app, beside its policy."""

from auditlog.admin import LogEntryAdmin as AuditlogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin

from .admin_mixins import PolicyAdminMixin, ReadOnlyAdminMixin
from .audit import audit_entry_policy

# auditlog registers an admin that lists every entry to any staff member with
# the model permission; the trail is the coordinators' (audit_entry_policy).
admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class LogEntryAdmin(PolicyAdminMixin, ReadOnlyAdminMixin, AuditlogEntryAdmin):
    policy = audit_entry_policy

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("content_type", "actor")
