"""Pages and exports travel compressed when the browser asks for it, and the
compressed body is exactly the page (GZipMiddleware, with the random padding
Django adds against BREACH; README, "Compression")."""

import gzip

import pytest
from django.urls import reverse

from tests.factories import ClientFactory, put_on_team

pytestmark = pytest.mark.django_db


def test_a_page_asked_for_with_gzip_arrives_gzipped_and_reads_the_same(client, peer):
    put_on_team(ClientFactory(display_name="Hélène Tremblay"), peer)
    client.force_login(peer)

    plain = client.get(reverse("clients:list"))
    packed = client.get(reverse("clients:list"), HTTP_ACCEPT_ENCODING="gzip")

    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    text = gzip.decompress(packed.content).decode()
    assert "Hélène Tremblay" in text
    assert len(packed.content) < len(plain.content)


def test_the_same_page_compressed_twice_differs_in_length_against_breach(client, peer):
    """Django's random padding: an eavesdropper cannot read a secret off the
    compressed length of one response."""
    put_on_team(ClientFactory(display_name="Hélène Tremblay"), peer)
    client.force_login(peer)

    lengths = {
        len(client.get(reverse("clients:list"), HTTP_ACCEPT_ENCODING="gzip").content)
        for _ in range(8)
    }

    assert len(lengths) > 1


def test_a_streamed_export_is_gzipped_as_it_streams(client, researcher):
    client.force_login(researcher)
    url = reverse("logbook:export") + "?format=csv"

    plain = b"".join(client.get(url).streaming_content)
    packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip")

    assert packed.streaming
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(b"".join(packed.streaming_content)) == plain


@pytest.mark.parametrize("fmt", ["xlsx", "qdpx"])
def test_an_export_that_is_a_zip_file_already_is_sent_as_it_is(client, researcher, fmt):
    client.force_login(researcher)
    url = reverse("logbook:export") + f"?format={fmt}"

    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")

    assert "Content-Encoding" not in response
    body = b"".join(response.streaming_content)
    assert body.startswith(b"PK\x03\x04")  # a zip file, as written
    assert int(response["Content-Length"]) == len(body)
