"""Runtime smoke check: the app as installed from requirements/base.txt alone.

Run it with the Python of a virtual environment built from the runtime
requirements only (`make smoke` builds .smoke/venv and runs it). It migrates a
throwaway SQLite database, loads the demo, collects the static files, starts
gunicorn on a free loopback port with production settings (debug off, the way
`make serve` runs), then signs in as each demo account through the real login
form and requests every page it can reach, every URL without arguments, and
every export format. Any server error (5xx, or no answer) fails the check and
names the URL; development-only modules missing from the runtime install show
up exactly that way.

The HTTP client is the standard library only (urllib, http.cookiejar, html.parser):
this script runs where nothing but the runtime requirements is installed.

Production settings require two-factor sign-in, so each demo account gets an
authenticator app with a key made for this run, and the check gives the code
the app would show (django-otp's own TOTP, a runtime requirement), as a person
would at the second step.
"""

import argparse
import base64
import gzip
import http.cookiejar
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, deque
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ACCOUNTS = ["peer", "peer2", "clinician", "clinician2", "researcher", "coordinator"]
PASSWORD = "peersupport-demo"  # noqa: S105 (the public demo password, see README)
EXPORT_URLS = [
    "/logbook/export/?format=csv",
    "/logbook/export/?format=xlsx",
    "/logbook/export/?format=json",
    "/logbook/export/?format=qdpx",
    "/research/export/?format=csv",
    "/research/export/?format=csv&dates=week",
    "/research/export/?format=dictionary",
]
# Links that end the session or only serve files are not pages to check.
NOT_PAGES = re.compile(r"logout|sign-?out|^/static/", re.IGNORECASE)
TIMEOUT = 60


class Links(HTMLParser):
    """The GET targets a page offers: links, and the URLs htmx fetches."""

    def __init__(self):
        super().__init__()
        self.pages, self.fragments, self.forms = [], [], []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.pages.append(attributes["href"])
        if attributes.get("hx-get"):
            self.fragments.append(attributes["hx-get"])
        if tag == "form":
            self.forms.append({"action": attributes.get("action") or "", "token": None})
        if (
            tag == "input"
            and attributes.get("name") == "csrfmiddlewaretoken"
            and self.forms
            and self.forms[-1]["token"] is None
        ):
            self.forms[-1]["token"] = attributes.get("value")


def fetch_encoded(base, path, encoding):
    """(status, headers, raw body) of ``path`` asked for with ``Accept-Encoding: encoding``."""
    request = urllib.request.Request(
        urllib.parse.urljoin(base, path),
        headers={"Accept-Encoding": encoding, "X-Forwarded-Proto": "https"},
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        return response.status, response.headers, response.read()


def compression_failures(base):
    """Pages come gzipped (GZipMiddleware) and static files precompressed with
    brotli and gzip (whitenoise, with the runtime requirement Brotli)."""
    failures = []
    status, headers, body = fetch_encoded(base, "/accounts/login/", "gzip")
    if headers.get("Content-Encoding") != "gzip" or b"<form" not in gzip.decompress(body):
        encoding = headers.get("Content-Encoding")
        failures.append(f"/accounts/login/ not gzipped ({status}, {encoding})")
    if "Accept-Encoding" not in (headers.get("Vary") or ""):
        failures.append("/accounts/login/ gzipped without Vary: Accept-Encoding")
    _, _, page = fetch_encoded(base, "/accounts/login/", "identity")
    stylesheet = re.search(rb'<link[^>]+href="(/static/[^"]+\.css)"', page)
    if stylesheet is None:
        return [*failures, "the login page links no stylesheet under /static/"]
    for encoding in ("br", "gzip"):
        status, headers, _ = fetch_encoded(base, stylesheet.group(1).decode(), encoding)
        if status != 200 or headers.get("Content-Encoding") != encoding:
            failures.append(
                f"{stylesheet.group(1).decode()} asked for {encoding}: "
                f"{status}, Content-Encoding {headers.get('Content-Encoding')}"
            )
    return failures


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """Every redirect is a response to check, and its target a page to visit."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class LoopbackCookies(http.cookiejar.DefaultCookiePolicy):
    """The app sets Secure cookies (debug is off); the check speaks plain HTTP on loopback,
    telling the app it is behind a TLS proxy, so those cookies are sent back anyway."""

    def return_ok_secure(self, cookie, request):
        return True


class Browser:
    def __init__(self, base, language):
        self.base = base
        self.origin = "https://" + urllib.parse.urlsplit(base).netloc
        self.language = language
        self.cookies = http.cookiejar.CookieJar(LoopbackCookies())
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirects()
        )

    def request(self, path, data=None, headers=None, language=None):
        """(status, location, body, content type) of one request; status 0: no answer."""
        request = urllib.request.Request(
            urllib.parse.urljoin(self.base, path),
            data=urllib.parse.urlencode(data).encode() if data is not None else None,
            headers={
                # Tells the app the request came through a TLS proxy (BEHIND_TLS_PROXY).
                "X-Forwarded-Proto": "https",
                "Accept-Language": language or self.language,
                "Referer": self.origin + "/",
                **({"Origin": self.origin} if data is not None else {}),
                **(headers or {}),
            },
        )
        try:
            with self.opener.open(request, timeout=TIMEOUT) as response:
                return response.status, None, response.read(), response.headers.get_content_type()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location"), error.read(), ""
        except (urllib.error.URLError, OSError) as error:
            return 0, None, str(error).encode(), ""

    def sign_in(self, username, key=None):
        status, _, body, _ = self.request("/accounts/login/")
        if status != 200:
            return f"the login page answered {status}"
        page = Links()
        page.feed(body.decode("utf-8", "replace"))
        form = next((form for form in page.forms if form["token"]), None)
        if form is None:
            return "the login page has no form with a CSRF token"
        status, location, _, _ = self.request(
            urllib.parse.urljoin("/accounts/login/", form["action"]),
            data={
                "csrfmiddlewaretoken": form["token"],
                "username": username,
                "password": PASSWORD,
            },
            headers={"Referer": self.origin + "/accounts/login/"},
        )
        if status != 302 or "login" in (location or ""):
            return f"signing in answered {status} (to {location!r}), not a redirect into the app"
        status, location, _, _ = self.request("/")
        if status == 302 and key is not None and "two-factor" in (location or ""):
            problem = self.give_code(location, key)
            if problem:
                return problem
            status, location, _, _ = self.request("/")
        if status != 200:
            return f"the home page answered {status} after signing in (to {location!r})"
        return None

    def give_code(self, location, key):
        """The second step: the code the account's app shows now."""
        from django_otp.oath import totp

        status, _, body, _ = self.request(location)
        if status != 200:
            return f"the second step answered {status}"
        page = Links()
        page.feed(body.decode("utf-8", "replace"))
        # Not the menu's sign-out form, nor the language switch: the code's own.
        form = next(
            (form for form in page.forms if form["token"] and "two-factor" in form["action"]),
            None,
        )
        if form is None:
            return "the second step has no form with a CSRF token"
        status, location, _, _ = self.request(
            urllib.parse.urljoin(location, form["action"]),
            data={
                "csrfmiddlewaretoken": form["token"],
                "code": f"{totp(bytes.fromhex(key)):06d}",
                "next": "/",
            },
            headers={"Referer": self.origin + location},
        )
        if status != 302 or "two-factor" in (location or ""):
            return f"the second step answered {status} (to {location!r}), not into the app"
        return None


# Gives each demo account a confirmed authenticator app with the key of this run.
SET_UP_APPS = """
from django_otp.plugins.otp_totp.models import TOTPDevice
from peersupport.models import User
for user in User.objects.filter(username__in={accounts!r}):
    TOTPDevice.objects.create(user=user, name="smoke", key={key!r}, confirmed=True)
"""


def shape(path):
    """Pages of one kind (a person's page, page 3 of a list) share a shape."""
    parts = urllib.parse.urlsplit(path)
    keys = sorted(key for key, _ in urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


def same_site(base, current, href):
    """The path and query of a link on this site (found on page `current`), or None."""
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    target = urllib.parse.urlsplit(urllib.parse.urljoin(base + current, href))
    if target.netloc != urllib.parse.urlsplit(base).netloc:
        return None
    path = urllib.parse.urlunsplit(("", "", target.path, target.query, ""))
    return None if NOT_PAGES.search(target.path) else path


def check_account(base, username, fixed_urls, per_shape, max_pages, second_language, key):
    """Sign in and request every page; return (requests made, failures)."""
    browser = Browser(base, "en")
    problem = browser.sign_in(username, key)
    if problem:
        return 0, [f"{username}: {problem}"], {}
    failures, answered = [], {}
    queue = deque((url, False) for url in ["/", *fixed_urls])
    seen, shapes = set(), Counter()
    while queue and len(seen) < max_pages:
        path, is_fragment = queue.popleft()
        if path in seen:
            continue
        fixed = path in fixed_urls or path == "/"
        if not fixed and shapes[shape(path)] >= per_shape:
            continue
        seen.add(path)
        shapes[shape(path)] += 1
        headers = {"HX-Request": "true"} if is_fragment else {}
        status, location, body, content_type = browser.request(path, headers=headers)
        answered[path] = status
        if status >= 500 or status == 0:
            failures.append(f"{username}: GET {path} answered {status or 'nothing'}")
            continue
        if status in (301, 302, 303, 307, 308) and location:
            if (target := same_site(base, path, location)) is not None:
                queue.append((target, False))
        elif status == 200 and content_type == "text/html":
            links = Links()
            links.feed(body.decode("utf-8", "replace"))
            for kind, hrefs in ((False, links.pages), (True, links.fragments)):
                for href in hrefs:
                    if (target := same_site(base, path, href)) is not None:
                        queue.append((target, kind))
    if queue and len(seen) >= max_pages:
        print(f"  {username}: stopped at the bound of {max_pages} pages", file=sys.stderr)
    # One page of each kind again in the other language: its templates and
    # formats take other paths.
    requested = len(seen)
    if second_language:
        firsts = {}
        for path in seen:
            firsts.setdefault(shape(path), path)
        for path in sorted(firsts.values()):
            status, _, _, _ = browser.request(path, language=second_language)
            requested += 1
            if status >= 500 or status == 0:
                failures.append(
                    f"{username}: GET {path} ({second_language}) answered {status or 'nothing'}"
                )
    return requested, failures, answered


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(env, *arguments, capture=False):
    done = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=capture,
        text=True,
    )
    if done.returncode:
        print(done.stderr or "", file=sys.stderr)
        sys.exit(f"== smoke FAILED: manage.py {arguments[0]} exited with {done.returncode}")
    return done.stdout


URLS_WITHOUT_ARGUMENTS = """
import json
from django.urls import URLPattern, URLResolver, get_resolver

def walk(patterns, prefix):
    for pattern in patterns:
        if pattern.pattern.regex.groups:
            continue
        route = prefix + str(pattern.pattern).lstrip("^").rstrip("$").replace("\\\\", "")
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield "/" + route

print(json.dumps(sorted(set(walk(get_resolver().url_patterns, "")))))
"""


def urls_without_arguments(env):
    listing = manage(env, "shell", "--no-imports", "-c", URLS_WITHOUT_ARGUMENTS, capture=True)
    return [url for url in json.loads(listing) if not NOT_PAGES.search(url)]


def wait_until_up(base, server, log):
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped (exit {server.returncode}):\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    sys.exit(f"gunicorn did not answer /healthz within 90 s:\n{log.read_text()[-4000:]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-shape", type=int, default=3, help="pages of one kind per account")
    parser.add_argument("--max-pages", type=int, default=400, help="pages per account at most")
    parser.add_argument("--keep", action="store_true", help="keep the database and server log")
    options = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="peersupport-smoke-"))
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(
        DJANGO_DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{workdir / 'smoke.sqlite3'}",
        NOTE_ENCRYPTION_KEYS=base64.urlsafe_b64encode(os.urandom(32)).decode(),
        RESEARCH_PSEUDONYM_KEY=secrets.token_urlsafe(48),
        BEHIND_TLS_PROXY="true",
        SECURE_SSL_REDIRECT="false",
        # The check signs in six times from one address.
        AXES_FAILURE_LIMIT="50",
    )
    print(f"== smoke: runtime-only environment ({sys.executable}), database in {workdir}")
    manage(env, "migrate", "--no-input", "--verbosity", "0")
    manage(env, "seed_demo", "--force")
    app_key = secrets.token_hex(20)
    manage(env, "shell", "-c", SET_UP_APPS.format(accounts=ACCOUNTS, key=app_key))
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    fixed_urls = sorted(set(urls_without_arguments(env)) | set(EXPORT_URLS))

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = workdir / "gunicorn.log"
    with log.open("w") as log_file:
        server = subprocess.Popen(
            [
                *(sys.executable, "-m", "gunicorn", "peersupport.wsgi"),
                *("--bind", f"127.0.0.1:{port}", "--workers", "2", "--timeout", "120"),
            ],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    failures, summary, export_statuses = [], [], {url: [] for url in EXPORT_URLS}
    try:
        wait_until_up(base, server, log)
        failures.extend(compression_failures(base))
        print(f"== smoke: gunicorn on {base}; {len(fixed_urls)} fixed URLs per account")
        for username in ACCOUNTS:
            requested, account_failures, answered = check_account(
                base, username, fixed_urls, options.per_shape, options.max_pages, "fr", app_key
            )
            failures.extend(account_failures)
            summary.append(f"{username} {requested}")
            for url in EXPORT_URLS:
                export_statuses[url].append(f"{username} {answered.get(url, '-')}")
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()

    # A check that signed nobody in, or reached no export, would pass for nothing.
    for url, statuses in export_statuses.items():
        if not any(status.endswith(" 200") for status in statuses):
            failures.append(f"no account could download {url} ({', '.join(statuses)})")

    print("== smoke: pages requested per account: " + ", ".join(summary))
    if failures:
        print("\n".join(["== smoke FAILED:", *failures]), file=sys.stderr)
        errors = [
            line
            for line in log.read_text().splitlines()
            if "[INFO]" not in line and not line.startswith("Not Found:")
        ]
        print("== server log (tail):\n" + "\n".join(errors[-60:]), file=sys.stderr)
        print(f"(database and log kept in {workdir})", file=sys.stderr)
        return 1
    print("== smoke: no server error")
    if not options.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
