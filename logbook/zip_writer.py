"""A zip file written one member after another, holding nothing per member.

Python's ``zipfile`` keeps an object per member until the file is closed
(about half a kilobyte each: 10 MB for a QDPX project of 20,000 sources). Here
each member's central directory record is appended to a temporary file as the
member is written, and copied after the last member: memory stays the same
whatever the number of members. Written from the format's specification
(PKWARE APPNOTE.TXT, sections 4.3 and 4.4): deflated members, names in UTF-8,
ZIP64 end records when there are more than 65,535 members. A member or an
archive beyond 4 GB is refused (an export that size is not made in a request).
"""

from __future__ import annotations

import shutil
import struct
import tempfile
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

LIMIT = 0xFFFFFFFF
VERSION = 20  # 2.0: deflate
VERSION_ZIP64 = 45
MADE_BY = (3 << 8) | VERSION  # on Unix
UTF8_NAMES = 0x800
DATA_DESCRIPTOR = 0x08
DEFLATED = 8
REGULAR_FILE = 0o100644 << 16


def _dos_time(moment: float) -> tuple[int, int]:
    local = time.localtime(moment)
    day = ((local.tm_year - 1980) << 9) | (local.tm_mon << 5) | local.tm_mday
    clock = (local.tm_hour << 11) | (local.tm_min << 5) | (local.tm_sec // 2)
    return clock, day


class ZipWriter:
    """Members written in order into ``out`` (a binary file, written from its
    current position to the end)."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.offset = 0
        self.count = 0
        self.directory = tempfile.TemporaryFile()  # noqa: SIM115 (closed in close() or on an error)
        self.clock, self.day = _dos_time(time.time())

    def _write(self, data: bytes) -> None:
        self.out.write(data)
        self.offset += len(data)

    def _local_header(self, name: bytes, flags: int, crc: int, size: int, raw: int) -> None:
        self._write(
            struct.pack(
                "<IHHHHHIIIHH",
                0x04034B50,
                VERSION,
                flags,
                DEFLATED,
                self.clock,
                self.day,
                crc,
                size,
                raw,
                len(name),
                0,
            )
            + name
        )

    def _record(self, name: bytes, flags: int, crc: int, size: int, raw: int, at: int) -> None:
        if max(size, raw, at, self.offset) > LIMIT:
            raise ValueError("A zip member or archive beyond 4 GB is not written here.")
        self.directory.write(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                MADE_BY,
                VERSION,
                flags,
                DEFLATED,
                self.clock,
                self.day,
                crc,
                size,
                raw,
                len(name),
                0,
                0,
                0,
                0,
                REGULAR_FILE,
                at,
            )
            + name
        )
        self.count += 1

    def write(self, name: str, data: bytes) -> None:
        """A member whose content is at hand (compressed before it is written)."""
        encoded = name.encode("utf-8")
        packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        packed = packer.compress(data) + packer.flush()
        crc = zlib.crc32(data)
        at = self.offset
        self._local_header(encoded, UTF8_NAMES, crc, len(packed), len(data))
        self._write(packed)
        self._record(encoded, UTF8_NAMES, crc, len(packed), len(data), at)

    @contextmanager
    def member(self, name: str) -> Iterator[_MemberStream]:
        """A member written as it comes (its sizes follow it, in a data descriptor)."""
        encoded = name.encode("utf-8")
        flags = UTF8_NAMES | DATA_DESCRIPTOR
        at = self.offset
        self._local_header(encoded, flags, 0, 0, 0)
        stream = _MemberStream(self)
        yield stream
        packed = stream.packer.flush()
        self._write(packed)
        stream.size += len(packed)
        self._write(struct.pack("<IIII", 0x08074B50, stream.crc, stream.size, stream.raw))
        self._record(encoded, flags, stream.crc, stream.size, stream.raw, at)

    def __enter__(self) -> ZipWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exception: object) -> None:
        """Finished when the block ends; on an error, the directory's
        temporary file is let go and nothing more is written."""
        if kind is None:
            self.close()
        else:
            self.directory.close()

    def close(self) -> None:
        """The central directory, then its end records."""
        start, size = self.offset, self.directory.tell()
        self.directory.seek(0)
        shutil.copyfileobj(self.directory, self.out)
        self.offset += size
        self.directory.close()
        if self.count > 0xFFFF:
            # ZIP64: the end record cannot count this many members.
            end64 = self.offset
            self._write(
                struct.pack(
                    "<IQHHIIQQQQ",
                    0x06064B50,
                    44,
                    MADE_BY,
                    VERSION_ZIP64,
                    0,
                    0,
                    self.count,
                    self.count,
                    size,
                    start,
                )
            )
            self._write(struct.pack("<IIQI", 0x07064B50, 0, end64, 1))
        entries = min(self.count, 0xFFFF)
        self._write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, entries, entries, size, start, 0))


class _MemberStream:
    """Where a streamed member's bytes go: compressed, counted and checked as they come."""

    def __init__(self, writer: ZipWriter) -> None:
        self.writer = writer
        self.packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        self.crc = 0
        self.size = 0
        self.raw = 0

    def write(self, data: bytes) -> int:
        self.crc = zlib.crc32(data, self.crc)
        self.raw += len(data)
        packed = self.packer.compress(data)
        if packed:
            self.writer._write(packed)
            self.size += len(packed)
        return len(data)
