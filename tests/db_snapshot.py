"""Compare the database before and after a refused request."""

from django.apps import apps


def snapshot():
    """Every row of every project and audit table, as comparable tuples."""
    labels = {
        "peersupport",
        "partners",
        "clients",
        "interventions",
        "referrals",
        "agenda",
        "groups",
        "staff",
        "logbook",
        "audit",
        "auditlog",
    }
    state = {}
    for model in apps.get_models():
        if model._meta.app_label in labels:
            state[model._meta.label] = list(model.objects.order_by("pk").values())
    return state
