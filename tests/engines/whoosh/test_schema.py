"""The analyzer version must change whenever the terms an index holds change."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from whoosh.fields import TEXT

from search.analysis.analyzers import exact_analyzer, spelling_analyzer
from search.engines.whoosh.codec import CompactPositions
from search.engines.whoosh.schema import ANALYZER_VERSION, build_schema
from search.rules.company import article_company
from search.rules.story import story_key

ROOT = Path(__file__).resolve().parents[3]
SHARED = ROOT.parent / "shared"

#: The fingerprint of what each analyzer version emits on the probe below. When this test fails,
#: the analysis changed: bump ANALYZER_VERSION in search/engines/whoosh/schema.py (old indexes will
#: then be
#: refused with the rebuild command instead of silently disagreeing with queries) and record the
#: new fingerprint here. (Since version 4 the spellings field is fingerprinted by its terms
#: alone, which is all the field keeps; version 4 was re-recorded then, with the same terms.)
FINGERPRINTS = {
    "1": "67b5ff2eaeeba5fe",
    "2": "c27d4d1d51c34f1c",
    "3": "3b153ab0729fe4b1",
    "4": "69866551b6799b60",
    "5": "475fbf38408c34b0",
    "6": "346412ce5d760ca9",
    "7": "dba78f4d5cf4e0b2",
    "8": "6103354fd923be89",
    "9": "c2f13934ba3e6e7c",
    # 10: the story a column only; terms stored by search.engines.whoosh.codec.
    "10": "0177aef8802ffe7c",
    # 11: the same terms; the analyzers, fields and codec moved (search.analysis,
    # search.engines.whoosh), and Whoosh's table of contents names their classes by module.
    "11": "0177aef8802ffe7c",
}


def _probe() -> str:
    variants = json.loads((SHARED / "eval" / "variants.json").read_text(encoding="utf-8"))
    words = [w for group in variants["groups"] for w in group]
    words += [w for pair in variants["distinct_pairs"] for w in pair]
    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    extra = (
        "Ahmadi-Nejad Iran–Iraq alQaeda al Qaeda Iraq’s protests militias Hamas سائرون مقتدى الصدر"
    )
    return "\n".join([" ".join(words), " ".join(w.lower() for w in words), extra, *seeds])


def fingerprint() -> str:
    digest = hashlib.sha256()
    schema = build_schema()
    for name in schema.names():
        digest.update(f"{name}:{type(schema[name]).__name__}\n".encode())
    text = _probe()
    for mode in ("index", "query"):
        for t in exact_analyzer()(text, positions=True, chars=True, mode=mode):
            digest.update(f"{t.text}|{t.pos}|{t.startchar}|{t.endchar}\n".encode())
        # The spellings field keeps each term's count per article, nothing else.
        for term in sorted(t.text for t in spelling_analyzer()(text, mode=mode)):
            digest.update(f"{term}\n".encode())
    digest.update("|".join(article_company(text)).encode())  # the company column
    digest.update(story_key("AP", text).encode())  # the story column
    return digest.hexdigest()[:16]


def test_analyzer_version_matches_what_the_analyzers_emit():
    assert FINGERPRINTS.get(ANALYZER_VERSION) == fingerprint(), (
        "the analysis changed: bump ANALYZER_VERSION in search/engines/whoosh/schema.py and record "
        f"{{{ANALYZER_VERSION!r}: {fingerprint()!r}}} (under the new version) in FINGERPRINTS"
    )


TRICKY = (
    "Ahmadi-Nejad al-Sadr's as-Sadr Iraq’s Qur'an Sa'irun e\u0301te\u0301 AL-QAEDA al- -al "
    "x-y-z--w 3-4 Iran–Iraq ’s ' - سائرون مقتدى الصدر ُ Moqtada's al-Qaeda-linked\n"
)


def _texts() -> list[str]:
    texts = [TRICKY, TRICKY * 3, "", " - ", "’"]
    texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    with (SHARED / "corpora" / "fakes.jsonl").open(encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            texts += [str(record.get("title") or ""), str(record.get("body") or "")]
    return texts


def test_the_text_fields_index_what_whooshs_text_field_indexes_with_their_analyzers():
    # ExactText and SpellingText take a faster path than TEXT.index (which runs the analyzer
    # token by token); the postings must be the same, or the fingerprint above means nothing.
    fast = build_schema()
    body = TEXT(analyzer=exact_analyzer(), stored=True)
    body.format = CompactPositions(field_boost=body.format.field_boost)  # how ours stores them
    slow = {"body": body, "spellings": TEXT(analyzer=spelling_analyzer(), phrase=False)}
    texts = _texts()
    for name, reference in slow.items():
        for text in texts:
            assert sorted(fast[name].index(text)) == sorted(reference.index(text)), text[:80]
    # The indexer hands the spellings field an article's body and title as a pair, the body
    # just analysed for the body field.
    for body, title in zip(texts[1::2], texts[::2], strict=False):
        list(fast["body"].index(body))
        expected = sorted(slow["spellings"].index(f"{title}\n{body}"))
        assert sorted(fast["spellings"].index((body, title))) == expected, title[:80]
