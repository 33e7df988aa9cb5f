"""The version an edit form carries (peersupport.concurrency), for tests that
post an edit: read from the page, as a browser would."""

import re

VERSION_INPUT = re.compile(r'<input[^>]*name="version"[^>]*>')
VALUE = re.compile(r'value="([^"]*)"')


def version_on(page: str) -> str | None:
    """The version in a page's form, or None when it has none."""
    found = VERSION_INPUT.search(page)
    if found is None:
        return None
    value = VALUE.search(found.group(0))
    return value.group(1) if value else ""


def with_version(client, url, data=None, *, page_url=None):
    """``data`` and the version the edit page shows this client now (nothing
    added when the client may not open it: the refusal is what is tested)."""
    response = client.get(page_url or url)
    version = version_on(response.content.decode()) if response.status_code == 200 else None
    data = dict(data or {})
    if version is not None:
        data["version"] = version
    return data


class versioned:
    """``client`` whose posts carry the version the page shows first, as a
    browser's would (the page: the posted address, or ``page_url``)."""

    def __init__(self, client, page_url=None):
        self.client = client
        self.page_url = page_url

    def post(self, url, data=None, **extra):
        return self.client.post(
            url, with_version(self.client, url, data, page_url=self.page_url), **extra
        )
