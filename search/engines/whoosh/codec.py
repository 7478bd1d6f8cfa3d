"""How postings are kept on disk: Whoosh's format (its codec W3), with two changes that make an
index smaller and a build faster.

- **Positions as bytes, not pickles.** Whoosh's ``Positions`` format stores each posting's
  positions as a 4-byte count and a pickled list of their gaps (13 bytes for one position).
  :class:`CompactPositions` stores the gaps as one byte each when all are below 256 (two or
  four bytes each otherwise), after a byte naming the width: 2 bytes for one position. The
  count is the number of gaps.
- **A term of one posting kept with the term.** Whoosh's codec means to keep a posting list
  shorter than its ``inlinelimit`` in the term's entry rather than as a block of its own
  (4-byte length, pickled block header, compressed data), but calls a method that does not
  exist, so its default keeps none. :class:`NewsCodec` keeps every term of one posting in its
  entry, which is most of an archive's terms (names, spelling keys, ids); Whoosh's readers read
  such an entry as they always have.

Both are read by Whoosh's own readers: the format is the schema's (pickled with it), and the
codec is the segment's.
"""

from __future__ import annotations

import sys
from array import array
from itertools import accumulate
from operator import sub

from whoosh.codec.whoosh3 import W3Codec, W3PostingsWriter
from whoosh.formats import Positions

#: The width codes of :class:`CompactPositions`: gaps as bytes, 16-bit or 32-bit integers.
_BYTES, _SHORTS, _INTS = 0, 1, 2
_TYPECODES = {_SHORTS: "H", _INTS: "I"}
_SIZES = {_BYTES: 1, _SHORTS: 2, _INTS: 4}
_BIG_ENDIAN = sys.byteorder == "big"
#: Each width's code as a byte.
_CODE_BYTE = {code: bytes((code,)) for code in _SIZES}


def encode_gaps(positions: list[int]) -> bytes:
    """Ascending positions as :class:`CompactPositions` stores them."""
    if len(positions) == 1:  # most postings: a word written once in an article
        first = positions[0]
        if first < 256:
            # A new object each time (no table of them): a block's pickle must not depend on
            # which of its values are one object, or the same index would not be the same bytes.
            return bytes((_BYTES, first))
        gaps = positions
        top = first
    else:
        gaps = [positions[0], *map(sub, positions[1:], positions)]
        top = max(gaps)
        if top < 256:
            return bytes((_BYTES, *gaps))
    code = _SHORTS if top < 65536 else _INTS
    packed = array(_TYPECODES[code], gaps)
    if _BIG_ENDIAN:  # little-endian on disk, whatever the machine
        packed.byteswap()
    return _CODE_BYTE[code] + packed.tobytes()


def gaps(value: bytes) -> bytes | array:
    """The gaps between the positions of one stored value (iterate them)."""
    code = value[0]
    if code == _BYTES:
        return value[1:]
    packed = array(_TYPECODES[code], value[1:])
    if _BIG_ENDIAN:
        packed.byteswap()
    return packed


def decode_positions(value: bytes) -> list[int]:
    """The positions of one stored value."""
    return list(accumulate(gaps(value)))


class CompactPositions(Positions):
    """Whoosh's ``Positions`` (frequency, weight, positions), stored as gaps in bytes."""

    def encode(self, poslist: list[int]) -> bytes:
        return encode_gaps(poslist)

    def decode_positions(self, valuestring: bytes) -> list[int]:
        return decode_positions(valuestring)

    def decode_frequency(self, valuestring: bytes) -> int:
        return (len(valuestring) - 1) // _SIZES[valuestring[0]]


class NewsCodec(W3Codec):
    """Whoosh's W3 codec, keeping a term of one posting in the term's entry."""

    def postings_writer(self, dbfile: object, byteids: bool = False) -> W3PostingsWriter:
        return _PostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=byteids,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )


class _PostingsWriter(W3PostingsWriter):
    def finish_postings(self) -> object:
        if self.written() or len(self) != 1:
            return super().finish_postings()
        terminfo = self._terminfo
        terminfo.add_block(self)
        terminfo.set_inlined(self._ids, self._weights, self._values)
        self._terminfo = None
        return terminfo
