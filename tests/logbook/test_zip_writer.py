"""The zip writer of the QDPX export: what it writes, Python's zipfile and
unzip read back, member for member, past 65,535 members too, and it holds
nothing per member."""

import gc
import io
import tracemalloc
import zipfile

import pytest

from logbook.zip_writer import ZipWriter


def _written(members, streamed=b""):
    out = io.BytesIO()
    archive = ZipWriter(out)
    for name, data in members:
        archive.write(name, data)
    with archive.member("project.qde") as project:
        for start in range(0, len(streamed), 1000):
            project.write(streamed[start : start + 1000])
    archive.close()
    out.seek(0)
    return zipfile.ZipFile(out)


def test_members_read_back_as_written():
    text = "Réunion difficile à l’hôpital.\n".encode() * 50
    archive = _written([("sources/É1.txt", text), ("sources/2.txt", b"")], b"<Project/>" * 900)
    assert archive.testzip() is None
    assert archive.namelist() == ["sources/É1.txt", "sources/2.txt", "project.qde"]
    assert archive.read("sources/É1.txt") == text
    assert archive.read("sources/2.txt") == b""
    assert archive.read("project.qde") == b"<Project/>" * 900
    assert archive.getinfo("sources/É1.txt").compress_type == zipfile.ZIP_DEFLATED


def test_more_members_than_a_plain_zip_counts():
    archive = _written((f"sources/{n}.txt", str(n).encode()) for n in range(70_000))
    assert len(archive.namelist()) == 70_001
    assert archive.read("sources/69999.txt") == b"69999"


class Sink:
    """What is written goes out (to a client, a disk): only what the writer holds is counted."""

    def write(self, data):
        return len(data)


def _peak(count):
    gc.collect()
    tracemalloc.start()
    archive = ZipWriter(Sink())
    for n in range(count):
        archive.write(f"sources/{n:06d}.txt", b"x" * 200)
    archive.close()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


@pytest.mark.parametrize("count", [20_000])
def test_it_holds_nothing_per_member(count):
    # zipfile holds about 500 bytes a member: 10 MB here.
    assert _peak(count) < _peak(count // 10) + 64 * 1024
