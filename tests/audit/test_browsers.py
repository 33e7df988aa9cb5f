"""A browser's User-Agent in a few words, for a person checking their own sign-ins."""

import pytest

from audit.browsers import browser_in_words

UA = {
    "firefox_windows": "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 "
    "Firefox/128.0",
    "safari_iphone": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "chrome_android": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like "
    "Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
    "edge_windows": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
    "Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
    "safari_mac": "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.5 Safari/605.1.15",
    "chrome_linux": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/156.0.0.0 Safari/537.36",
}


@pytest.mark.parametrize(
    ("agent", "words"),
    [
        ("firefox_windows", "Firefox on Windows"),
        ("safari_iphone", "Safari on iPhone"),
        ("chrome_android", "Chrome on Android"),
        ("edge_windows", "Edge on Windows"),
        ("safari_mac", "Safari on macOS"),
        ("chrome_linux", "Chrome on Linux"),
    ],
)
def test_a_browser_is_named_with_its_system(agent, words):
    assert browser_in_words(UA[agent]) == words


def test_a_program_is_named_by_its_name():
    assert browser_in_words("curl/8.5.0") == "curl"


def test_nothing_sent_reads_as_unknown():
    assert browser_in_words("") == "unknown browser"
    assert browser_in_words("Mozilla/5.0") == "unknown browser"
