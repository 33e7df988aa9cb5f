"""URL of the audit trail (/audit/)."""

from django.urls import path

from . import views

# Outside any namespace, as before the screen had its own app: {% url 'audit' %}.
audit_patterns = [path("", views.audit_trail, name="audit")]
