import pytest

from search.rules import fold
from search.rules.fold import strip_possessive


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Sadr", "sadr"),
        ("Pêşmerge", "peshmerge"),
        ("Erdoğan", "erdogan"),
        ("Öcalan", "ocalan"),
        ("Qamişlo", "qamishlo"),
        ("Çiçek", "chichek"),
        ("Kırıkkale", "kirikkale"),
        ("Tālabānī", "talabani"),
        ("Muqtadā", "muqtada"),
        ("Slêmanî", "slemani"),
        ("Kerkük", "kerkuk"),
        ("Ḥusayn", "husayn"),
        ("Qur’ān", "qur'an"),
        ("Saʿid", "sa'id"),
        ("Qurʾan", "qur'an"),
        ("Saʼid", "sa'id"),
        ("Sa`id", "sa'id"),
        ("Straße", "strasse"),
        ("سائرون", "سائرون"),  # Arabic script is normalised, not romanised
        ("", ""),
    ],
)
def test_fold(word: str, expected: str) -> None:
    assert fold(word) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [("sadr's", "sadr"), ("hamas'", "hamas"), ("qur'an", "qur'an"), ("'s", "'s"), ("iraq", "iraq")],
)
def test_strip_possessive(word: str, expected: str) -> None:
    assert strip_possessive(word) == expected
