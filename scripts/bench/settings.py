"""The project's settings, with the bench's URLs on top of the product's
(``DJANGO_SETTINGS_MODULE=scripts.bench.settings``, set only by `make bench`
for its own server and measuring processes)."""

from peersupport.settings import *  # noqa: F403 (the product's settings, unchanged)

ROOT_URLCONF = "scripts.bench.bench_urls"
