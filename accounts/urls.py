"""URLs of account management (/staff/) and of signing in and out (/accounts/)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import two_factor_views, views

account_patterns = (
    [
        path("", views.account_list, name="list"),
        path("new/", views.account_create, name="create"),
        path("<int:pk>/", views.account_detail, name="detail"),
        path("<int:pk>/edit/", views.account_edit, name="edit"),
        path("<int:pk>/deactivate/", views.account_deactivate, name="deactivate"),
        path("<int:pk>/reactivate/", views.account_reactivate, name="reactivate"),
        path("<int:pk>/password/", views.account_temporary_password, name="password"),
        path(
            "<int:pk>/two-factor/reset/",
            two_factor_views.two_factor_reset,
            name="two_factor_reset",
        ),
    ],
    "accounts",
)

# Outside any namespace: Django's own settings name them (LOGIN_URL "login").
sign_in_patterns = [
    path("", views.own_account, name="own_account"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.OwnPasswordChange.as_view(), name="password_change"),
    # Two-factor sign-in: the second step of signing in, setting up an app, recovery codes.
    path("two-factor/", two_factor_views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/set-up/", two_factor_views.two_factor_setup, name="two_factor_setup"),
    path(
        "two-factor/recovery-codes/",
        two_factor_views.two_factor_recovery_codes,
        name="two_factor_recovery_codes",
    ),
]
