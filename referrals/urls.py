"""URLs of referrals (/referrals/)."""

from django.urls import path

from . import views

referral_patterns = (
    [
        path("", views.referral_list, name="list"),
        path("new/<int:client_pk>/", views.referral_new, name="new"),
        path("<int:pk>/", views.referral_detail, name="detail"),
        path("<int:pk>/status/", views.referral_status, name="status"),
    ],
    "referrals",
)
