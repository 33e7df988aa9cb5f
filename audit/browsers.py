"""A browser's User-Agent in a few words ("Firefox on Windows"), for people
checking their own sign-ins; the full text stays in the record.

A handful of rules, not a parsing library: the question a person asks is
"was that my phone?", and the browsers and systems the programme's staff use
are few. Order matters: Edge and Opera also say Chrome, and Chrome says Safari.
"""

from django.utils.translation import gettext as _

BROWSERS = (
    ("Edg", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("FxiOS/", "Firefox"),
    ("Firefox/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("CrOS", "ChromeOS"),
    ("Macintosh", "macOS"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)


def _first(table: tuple[tuple[str, str], ...], text: str) -> str | None:
    return next((name for marker, name in table if marker in text), None)


def browser_in_words(user_agent: str) -> str:
    """The browser and system a User-Agent names, in a few words."""
    if not user_agent:
        return _("unknown browser")
    browser = _first(BROWSERS, user_agent)
    if browser is None:
        # A program rather than a browser (curl/8.5, python-requests/2.32): its name.
        product = user_agent.split("/", 1)[0].split()[0] if user_agent.strip() else ""
        browser = product[:30] if product and product != "Mozilla" else _("unknown browser")
    system = _first(SYSTEMS, user_agent)
    if system is None:
        return browser
    return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
