"""Admin building blocks shared by the apps."""


class ReadOnlyAdminMixin:
    """The admin only looks: changes go through the app's services, which keep
    the guards and write the audit trail."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
