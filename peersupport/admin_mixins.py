"""Admin building blocks shared by the apps."""

from typing import Any


class ReadOnlyAdminMixin:
    """The admin only looks: changes go through the app's services, which keep
    the guards and write the audit trail."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PolicyAdminMixin:
    """The admin shows what the model's access policy shows, nothing more:
    its list is the policy's rows, and a row opens only if the policy says so."""

    policy: Any

    def get_queryset(self, request):
        return self.policy.visible_to(request.user)

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)  # type: ignore[misc]
        view = self.policy.Action("view")
        return allowed and self.policy.can(request.user, view, obj)

    def has_module_permission(self, request):
        allowed = super().has_module_permission(request)  # type: ignore[misc]
        return allowed and self.policy.can(request.user, self.policy.Action("view"))
