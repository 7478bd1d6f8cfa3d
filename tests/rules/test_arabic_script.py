import pytest

from search.rules import exact_form, fold, is_name_like, spelling_key
from search.rules.arabic_script import is_arabic, join_allah, normalize


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("القُرْآن", "القران"),  # vowel marks dropped, آ -> ا
        ("مقتدى", "مقتدي"),  # alef maqsura -> ya
        ("إدلب", "ادلب"),  # إ -> ا
        ("أسامة", "اسامه"),  # أ -> ا, ta marbuta -> ha
        ("محمّد", "محمد"),  # shadda dropped
        ("جـــيش", "جيش"),  # tatweel dropped
        ("روحانی", "روحاني"),  # Persian ya
        ("کرکوک", "كركوك"),  # Persian kaf
        ("سائرون", "سائرون"),  # hamza on a seat is a letter of its own
    ],
)
def test_normalize(word: str, expected: str) -> None:
    assert normalize(word) == expected


def test_arabic_is_not_romanised() -> None:
    # unidecode would make حماس "hms": the English HMS.
    assert fold("حماس") == exact_form("حماس") == "حماس"
    assert exact_form("حماس") != exact_form("HMS")
    assert fold("سائرون") == "سائرون"


def test_arabic_words_are_names_without_a_latin_key() -> None:
    assert is_name_like("حماس")
    assert spelling_key("حماس") == ""


@pytest.mark.parametrize(
    ("word", "expected"),
    [("سائرون", True), ("Qur'an", False), ("Pêşmerge", False), ("x ع", True), ("", False)],
)
def test_is_arabic(word: str, expected: bool) -> None:
    assert is_arabic(word) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("حزب الله", "حزبالله"),
        ("عبد الله الثاني", "عبدالله الثاني"),
        ("حسن نصر الله", "حسن نصرالله"),
        ("الله", "الله"),  # alone: nothing to join
        ("Hezbollah الله", "Hezbollah الله"),  # only after an Arabic word
        ("حزب اللهم", "حزب اللهم"),  # another word that starts with الله
    ],
)
def test_join_allah(text: str, expected: str) -> None:
    assert join_allah(text) == expected
