"""Which spellings a query word reaches in a real index, and the company evidence that decides
between spellings the letters cannot tell apart."""

from __future__ import annotations

import json

import pytest

from search import Engine, SearchRequest, index_corpus
from search.read.variants import COMPANY_MIN_ARTICLES


def _articles() -> list[dict[str, str]]:
    rows = []
    n = COMPANY_MIN_ARTICLES + 1
    for i in range(n):
        # Sunni and Sony share a spelling key (suni); their company differs.
        rows.append(
            {
                "id": f"sunni{i}",
                "title": "Iraq",
                "body": f"Story {i}. Leaders of the Sunni tribes met Shia clerics in Baghdad "
                "near Falluja, said Abadi.",
            }
        )
        rows.append(
            {
                "id": f"sony{i}",
                "title": "Gadgets",
                "body": f"Story {i}. Shares of Sony rose in Tokyo as Nintendo and Apple "
                "fell, said Nikkei.",
            }
        )
        # Hezbollah and Hizbollah: same key, same company.
        rows.append(
            {
                "id": f"hez{i}",
                "title": "Lebanon",
                "body": f"Story {i}. Fighters of Hezbollah crossed from Lebanon, said "
                "Nasrallah in Beirut.",
            }
        )
        rows.append(
            {
                "id": f"koran{i}",
                "title": "Faith",
                "body": f"Story {i}. Pilgrims read the Koran in Najaf, said Sistani in Karbala.",
            }
        )
        rows.append(
            {
                "id": f"hiz{i}",
                "title": "Lebanon",
                "body": f"Story {i}. Fighters of Hizbollah crossed from Lebanon, said "
                "Nasrallah in Beirut.",
            }
        )
        # A possessive whose apostrophe was lost (Qaedas), in the company of the word it
        # extends; and Hamas, which is not Hama's (another company), both rarer than their base.
        rows.append(
            {
                "id": f"qaeda{i}",
                "title": "Syria",
                "body": f"Story {i}. Fighters of al-Qaeda held Idlib, said Jolani in Syria. "
                "Later al-Qaeda left.",
            }
        )
        rows.append(
            {
                "id": f"qaedas{i}",
                "title": "Syria",
                "body": f"Story {i}. A group led by al-Qaedas former affiliate held Idlib, "
                "said Jolani in Syria.",
            }
        )
        rows.append(
            {
                "id": f"hama{i}",
                "title": "Syria",
                "body": f"Story {i}. Shelling hit Hama and Homs, said the Observatory. "
                "Then Hama fell.",
            }
        )
        rows.append(
            {
                "id": f"hamas{i}",
                "title": "Gaza",
                "body": f"Story {i}. Fighters of Hamas fired from Gaza, said Netanyahu.",
            }
        )
    # A spelling too rare to judge by company: the letters decide.
    rows.append({"id": "rare", "title": "Lebanon", "body": "Then Hizballah fighters crossed."})
    # Latin spellings an Arabic-script query must reach, and lookalikes it must not.
    for id_, body in [
        ("qad1", "Muammar Gaddafi spoke in Tripoli."),
        ("qad2", "Colonel Kadhafi left Sirte."),
        ("hamas", "Hamas fighters held Gaza."),
        ("hms", "The HMS Belfast sailed."),
        # Korn is one letter from Koran (same skeleton), too rare to profile, and its article
        # names nothing the Koran's articles name: a stranger.
        ("korn", "Tonight Korn played in Boston with Slipknot and Metallica, said Davis."),
        ("korean", "The Korean won rose in Seoul."),
        ("abba", "The band Abba sang in Stockholm."),
        ("abbas", "Then Abbas spoke in Ramallah, and Abbas left."),
        ("houthi", "Houthi rebels took Sanaa."),
        ("house", "The White House said nothing."),
    ]:
        rows.append({"id": id_, "title": "World", "body": body})
    return rows


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    root = tmp_path_factory.mktemp("variants")
    corpus = root / "articles.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in _articles()), encoding="utf-8")
    index_corpus(root / "index", [corpus])
    with Engine(root / "index") as engine:
        yield engine


def found(engine: Engine, q: str) -> set[str]:
    return {i.rstrip("0123456789") for i in engine.article_ids(SearchRequest.from_params(q))}


def test_spellings_with_different_company_stay_apart(engine):
    assert found(engine, "Sunni") == {"sunni"}
    assert found(engine, "Sony") == {"sony"}


def test_spellings_with_the_same_company_match(engine):
    assert found(engine, "Hezbollah") == {"hez", "hiz", "rare"}
    assert found(engine, "Hizbollah") == {"hez", "hiz", "rare"}


def test_a_rare_spelling_is_judged_by_its_letters(engine):
    assert found(engine, "Hizballah") == {"hez", "hiz", "rare"}


def test_a_rare_spelling_in_strange_company_is_a_stranger(engine):
    assert found(engine, "Koran") == {"koran"}
    [word] = engine.analyze(["Koran"])
    korn = next(s for s in word["spellings"] if s["spelling"] == "korn")
    assert not korn["accepted"]
    assert "a stranger" in korn["why"] and "metallica" in korn["why"]


def test_a_possessive_that_lost_its_apostrophe_is_reached_in_the_same_company(engine):
    assert found(engine, "Qaeda") == {"qaeda", "qaedas"}
    assert found(engine, "Qaedas") == {"qaedas"}  # the other way, nothing is left off
    [word] = engine.analyze(["Qaeda"])
    qaedas = next(s for s in word["spellings"] if s["spelling"] == "qaedas")
    assert qaedas["accepted"] and qaedas["tier"] == "possessive"
    assert "the possessive of 'qaeda'" in qaedas["why"] and "same company" in qaedas["why"]


def test_a_word_with_an_s_of_its_own_is_not_a_possessive(engine):
    assert found(engine, "Hama") == {"hama"}
    assert found(engine, "Abba") == {"abba"}
    words = {w["word"]: w for w in engine.analyze(["Hama", "Abba"])}
    hamas = next(s for s in words["Hama"]["spellings"] if s["spelling"] == "hamas")
    assert not hamas["accepted"] and "different company" in hamas["why"]
    abbas = next(s for s in words["Abba"]["spellings"] if s["spelling"] == "abbas")
    assert not abbas["accepted"] and "a word of its own" in abbas["why"]


def test_analysis_says_why(engine):
    words = {w["word"]: w for w in engine.analyze(["Sunni", "Hezbollah"])}
    sony = next(s for s in words["Sunni"]["spellings"] if s["spelling"] == "sony")
    assert not sony["accepted"]
    assert "different company" in sony["why"]
    hiz = next(s for s in words["Hezbollah"]["spellings"] if s["spelling"] == "hizbollah")
    assert hiz["accepted"]
    assert "same company" in hiz["why"] and "nasrallah" in hiz["why"]


def test_article_ids_lists_every_match_and_honours_filters(engine):
    every = engine.article_ids(SearchRequest.from_params("Lebanon"))
    assert len(every) == 2 * (COMPANY_MIN_ARTICLES + 1) + 1
    dated = SearchRequest.from_params("Lebanon", date_from="2000-01-01")
    assert engine.article_ids(dated) == []  # no article has a date


@pytest.mark.parametrize(
    ("arabic", "expected"),
    [
        ("القذافي", {"qad"}),  # Gaddafi and Kadhafi
        ("حزب الله", {"hez", "hiz", "rare"}),  # two words, one name
        ("حزب   الله", {"hez", "hiz", "rare"}),
        ("حِزْبُ الله", {"hez", "hiz", "rare"}),  # vowel marks
        ("حماس", {"hamas"}),  # not HMS: Arabic is not romanised letter by letter
        ("القرآن", {"koran"}),  # not Korean: no short vowel before a long one
        ("الحوثي", {"houthi"}),  # not House
    ],
)
def test_arabic_script_finds_latin_spellings(engine, arabic, expected):
    assert found(engine, arabic) == expected


def test_hms_is_not_hamas(engine):
    assert found(engine, "HMS") == {"hms"}


def test_analysis_explains_an_arabic_reading(engine):
    [word] = engine.analyze(["القذافي"])
    assert word["key"] == ""
    reached = {s["spelling"]: s for s in word["spellings"]}
    # ق read as k is the usual letter: Kadhafi is the reading, Gaddafi a spelling of it.
    assert reached["kadhafi"]["tier"] == "script"
    assert reached["kadhafi"]["accepted"]
    assert "Arabic letters" in reached["kadhafi"]["why"]
    assert reached["gaddafi"]["accepted"]
    assert "a spelling of 'kadhafi'" in reached["gaddafi"]["why"]


def test_reaching_spellings_through_the_product(tmp_path):
    # Each spelling in one article: what a search for each other spelling finds end to end.
    bodies = {
        "ramadhan": "Officials said Ramadhan began on Monday.",
        "ramadan": "Officials said Ramadan began on Monday.",
        "ramazan": "Officials said Ramazan began on Monday.",
        "abdal": "Officials said Abd-al Rahman spoke on Monday.",
        "abdul": "Officials said Abdul Rahman spoke on Monday.",
        "abadi": "Officials said Abadi spoke on Monday.",
        "alabadi": "Officials said al-'Abadi spoke on Monday.",
        "naguib": "Officials said Naguib spoke on Monday.",
        "nagib": "Officials said Nagib spoke on Monday.",
        "asad": "Officials said Asad spoke on Monday. ASAD ASAD ASAD IN THE HEADLINE",
        "assad": "Officials said Assad spoke on Monday.",
    }
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(
        "".join(json.dumps({"id": i, "body": b}) + "\n" for i, b in bodies.items()), "utf-8"
    )
    index_corpus(tmp_path / "index", [corpus])

    def found(q: str) -> set[str]:
        with Engine(tmp_path / "index") as engine:
            return {h.id for h in engine.search(SearchRequest.from_params(q, size=100)).hits}

    # An alias joins keys, not only the spellings the table lists: Ramadhan has Ramadan's key.
    assert {"ramadhan", "ramadan", "ramazan"} <= found("Ramazan")
    # An article inside a compound is no ordinary word of it.
    assert "abdal" in found("Abdul")
    # An ayn after the hyphen keeps the article and the name together.
    assert {"abadi", "alabadi"} <= found("al-'Abadi")
    assert "alabadi" in found("Abadi")
    # A u that keeps g hard before i is no vowel of the name.
    assert {"naguib", "nagib"} <= found("Nagib")
    # A headline's capitals say nothing of a name: Asad is still a name.
    assert {"asad", "assad"} <= found("Asad")


def test_conventions_plain_letters_and_loanwords_through_the_product(tmp_path):
    bodies = {
        "cemal": "Officials said Cemal Gursel spoke on Monday.",
        "jamal": "Officials said Jamal Khashoggi spoke on Monday.",
        "kamal": "Officials said Kamal Jumblatt spoke on Monday.",
        "basbug": "Officials said Basbug spoke on Monday.",
        "bashbug": "Officials said Başbuğ spoke on Monday.",
        "zakat": "Each year the zakat is paid in cash.",
        "zakah": "Each year the zakah is paid in cash.",
        "souq": "The old souq was busy.",
        "souk": "The old souk was busy.",
        "curd": "The curd was sold at the market.",
        "gourd": "The gourd was sold at the market.",
        "kurd": "Officials said a Kurd spoke on Monday.",
    }
    corpus = tmp_path / "c.jsonl"
    corpus.write_text(
        "".join(json.dumps({"id": i, "body": b}) + "\n" for i, b in bodies.items()), "utf-8"
    )
    index_corpus(tmp_path / "index", [corpus])

    def found(q: str) -> set[str]:
        with Engine(tmp_path / "index") as engine:
            return {h.id for h in engine.search(SearchRequest.from_params(q, size=100)).hits}

    # Turkish c for j: Cemal is Jamal; Kamal, with no c, is another name.
    assert found("Jamal") == {"jamal", "cemal"} and found("Cemal") == {"jamal", "cemal"}
    # Turkish letters and the plain letters the press writes for them.
    assert found("Basbug") == found("Başbuğ") == {"basbug", "bashbug"}
    # Loanwords in small letters vary; names and English words in small letters stay apart.
    assert found("zakat") == found("zakah") == {"zakat", "zakah"}
    assert found("souk") == {"souk", "souq"}
    assert found("curd") == {"curd"} and found("Kurd") == {"kurd"}
    # Two words English writes both, a class apart, are two English words (curd and gourd).
    assert found("gourd") == {"gourd"}
