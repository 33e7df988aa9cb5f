"""URLs of the audit trail (/audit/) and of the record of sign-ins (/audit/sign-ins/)."""

from django.urls import path

from . import views

# Outside any namespace, as before the screen had its own app: {% url 'audit' %}.
audit_patterns = [
    path("", views.audit_trail, name="audit"),
    path("sign-ins/", views.sign_ins, name="audit_sign_ins"),
]
