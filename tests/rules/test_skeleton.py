import pytest

from search.rules import key_distance, keys_match, skeleton, spelling_key


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("husayn", "HuSYN"),
        ("hasan", "HaSN"),
        ("khamenay", "KaMNY"),
        ("khumayni", "KuMYNa"),
        ("suni", "SuNa"),
        ("sinay", "SaNY"),
        ("islam", "aSLM"),
        ("salam", "SaLM"),
        ("gathafi", "KaDFa"),
        ("kadafi", "KaDFa"),
        ("", ""),
    ],
)
def test_skeleton(key: str, expected: str) -> None:
    assert skeleton(key) == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("kadafi", "kadafi", 0.0),
        ("gathafi", "khadafi", 0.0),  # same classes: g/kh, th/d
        ("javad", "jawad", 0.0),
        ("mahdi", "mehdi", 0.5),  # e is half-way to a
        ("zawahri", "zawahiri", 0.5),  # vowel insertion
        ("tehran", "teheran", 0.5),
        ("karim", "karam", 1.0),  # a/i is a different vowel
        ("musul", "musil", 0.5),  # u/i
        ("sadr", "sadam", 1.5),
        ("kirkuk", "karkuk", 0.5),  # i/a before two consonants: a short vowel
        ("basra", "busra", 1.0),  # but a short u is another vowel: Basra is not Bosra
        ("mashad", "meshed", 0.5),  # e for every short vowel, counted once
        ("aden", "eden", 1.0),  # word-initial a/e
        ("isfahan", "esfahan", 0.5),  # word-initial i/e
        ("kuran", "kurean", 1.0),  # a vowel inserted beside a vowel
        ("isfahan", "ispahan", 0.5),  # f/p: half a step, not a class
        ("fata", "pate", 1.0),
    ],
)
def test_key_distance(a: str, b: str, expected: float) -> None:
    assert key_distance(a, b) == expected
    assert key_distance(b, a) == expected


MATCH = [
    ("Mahdi", "Mehdi"),
    ("Taliban", "Taleban"),
    ("Gaddafi", "Gathafi"),
    ("Qaddafi", "Khadafy"),
    ("Peshmerga", "Pêşmerge"),
    ("Mujahideen", "Mojahedin"),
    ("Zawahiri", "Zawahri"),
    ("Mosul", "Mawsil"),
    ("Muhammad", "Mohamud"),
    ("Kirkuk", "Karkuk"),  # a short vowel before two consonants
    ("Tikrit", "Takrit"),
    ("Mashhad", "Meshed"),  # e written for every short vowel: one habit
    ("Isfahan", "Esfahan"),  # word-initial e for i
    ("Qom", "Ghom"),  # a short key: consonant classes only
    ("Isfahan", "Ispahan"),  # an old European rendering: p for f, in a long key
]
APART = [
    ("Karim", "Karam"),
    ("Jamal", "Jamil"),
    ("Bashar", "Bashir"),
    ("Hariri", "Harari"),
    ("Amman", "Oman"),
    ("Hassan", "Hussein"),
    ("Khamenei", "Khomeini"),
    ("Sunni", "Sinai"),
    ("Hama", "Hamas"),
    ("Rafah", "Rafha"),
    ("Gaza", "Giza"),
    ("Sadr", "cedar"),
    ("Shia", "she"),
    ("Saudi", "Saadi"),
    ("Ali", "Alaa"),
    ("Aden", "Eden"),  # a word-initial a is not e
    ("Koran", "Korean"),  # a vowel beside another vowel is not a short vowel
    ("Karim", "Karam"),
    ("Dan", "Dean"),  # short keys: no vowel changes
    ("Jon", "Jan"),
    ("Fatah", "Pate"),  # Arabic has no p: f/p is half a step, too much beside another change
    ("Fatah", "Petah"),
]


@pytest.mark.parametrize(("a", "b"), MATCH)
def test_keys_match(a: str, b: str) -> None:
    ka, kb = spelling_key(a), spelling_key(b)
    assert keys_match(ka, kb)
    assert keys_match(kb, ka)
    assert skeleton(ka) == skeleton(kb)


@pytest.mark.parametrize(("a", "b"), APART)
def test_keys_stay_apart(a: str, b: str) -> None:
    ka, kb = spelling_key(a), spelling_key(b)
    assert not keys_match(ka, kb)
    assert not keys_match(kb, ka)


def test_empty_keys_never_match() -> None:
    assert not keys_match("", "")
    assert not keys_match("abc", "")
