"""Deny by default: walk every URL the project declares, so that a new view
cannot be reachable without signing in by accident."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils.regex_helper import normalize

# The only views an anonymous visitor may open, by URL name. The calendar feed
# is fetched by calendar apps, which cannot sign in: its secret is the key.
PUBLIC_VIEWS = {"login", "healthz", "set_language", "admin:login", "calendar:feed"}


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        regex = prefix + pattern.pattern.regex.pattern.lstrip("^")
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or namespace
            if pattern.namespace and namespace:
                ns = f"{namespace}:{pattern.namespace}"
            yield from _walk(pattern.url_patterns, regex.rstrip("$").removesuffix("\\Z"), ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name, regex


def _sample_path(regex):
    """One concrete path that the pattern matches, with 1 for every parameter."""
    form, params = normalize(regex)[0]
    return "/" + form % {param: "1" for param in params}


def all_urls():
    return sorted(
        {(name or "", _sample_path(regex)) for name, regex in _walk(get_resolver().url_patterns)}
    )


def test_the_walk_finds_the_project_urls():
    names = {name for name, _ in all_urls()}
    assert {"home", "accounts:list", "accounts:detail", "healthz", "admin:index"} <= names


def test_only_the_public_views_are_marked_login_not_required():
    marked = {
        name for name, path in all_urls() if not getattr(resolve(path).func, "login_required", True)
    }
    assert marked == PUBLIC_VIEWS


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "path"), [u for u in all_urls() if u[0] not in PUBLIC_VIEWS])
def test_anonymous_visitor_is_sent_to_sign_in(client, name, path):
    response = client.get(path)
    assert response.status_code in {301, 302}, path
    login_pages = (reverse("login"), reverse("admin:login"))
    assert response.url.startswith(login_pages), (path, response.url)


@pytest.mark.django_db
def test_public_views_answer_anonymously(client):
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("admin:login")).status_code == 200
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert response.status_code == 302
