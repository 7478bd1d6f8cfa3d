"""search.engines.whoosh.codec: positions stored as gaps in bytes, and terms of one posting kept
with the term,
read back by Whoosh's own readers."""

from __future__ import annotations

import random

import pytest
from whoosh.formats import Positions

from search import Engine
from search.engines.whoosh.codec import CompactPositions, decode_positions, encode_gaps


@pytest.mark.parametrize("top", [1, 255, 256, 65535, 65536, 2**31])
def test_positions_read_back_at_every_width(top):
    rng = random.Random(top)
    for _ in range(200):
        positions = sorted(rng.sample(range(top + 1), min(top + 1, rng.randrange(1, 12))))
        value = encode_gaps(positions)
        assert decode_positions(value) == positions
        assert CompactPositions().decode_frequency(value) == len(positions)
        assert CompactPositions().decode_positions(value) == positions


def test_one_position_takes_two_bytes_where_whoosh_takes_thirteen():
    assert len(encode_gaps([7])) == 2
    assert len(Positions().encode([7])) == 13
    assert len(encode_gaps([3, 9, 300])) == 1 + 2 * 3  # a gap of 291 needs 16 bits


def test_the_format_answers_what_whooshs_does():
    # What Whoosh's readers and its phrase matcher ask of a posting's value.
    positions = [0, 4, 5, 1200]
    ours, theirs = CompactPositions(field_boost=2.0), Positions(field_boost=2.0)
    for name in ("positions", "frequency", "weight", "position_boosts"):
        assert ours.decode_as(name, ours.encode(positions)) == theirs.decode_as(
            name, theirs.encode(positions)
        ), name
    assert ours.combine([ours.encode([1, 5]), ours.encode([2, 5])]) == ours.encode([1, 2, 5])


def test_an_index_keeps_its_terms_of_one_posting_with_the_term(fakes_index):
    with Engine(fakes_index) as engine, engine.backend.ix.reader() as reader:
        inlined = total = 0
        for fieldname, tbytes in reader.all_terms():
            info = reader.term_info(fieldname, tbytes)
            total += 1
            if info.doc_frequency() == 1:
                inlined += 1
                matcher = reader.postings(fieldname, tbytes)
                assert not hasattr(matcher, "_read_data")  # read from the term's entry
                assert matcher.is_active() and len(list(matcher.all_ids())) == 1
        assert inlined > total / 3
