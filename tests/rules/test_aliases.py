import pytest

from search.rules import alias_keys, spelling_key
from search.rules.aliases import alias_groups


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Hawler", "Erbil"),
        ("Hewlêr", "Arbil"),
        ("Slemani", "Sulaymaniyah"),
        ("Uthman", "Osman"),
        ("Daesh", "ISIS"),
        ("Ramazan", "Ramadan"),
        ("Fath", "Fatah"),
    ],
)
def test_alias_pairs(a: str, b: str) -> None:
    assert spelling_key(b) in alias_keys(spelling_key(a))
    assert spelling_key(a) in alias_keys(spelling_key(b))


@pytest.mark.parametrize("key", ["", "sadr", "kayda", "hamas"])
def test_no_alias(key: str) -> None:
    assert alias_keys(key) == frozenset()


def test_key_is_not_its_own_alias() -> None:
    k = spelling_key("Erbil")
    assert k not in alias_keys(k)


def test_table_is_small_and_explained() -> None:
    groups = alias_groups()
    assert 0 < len(groups) <= 20
    for spellings, why in groups:
        assert len(spellings) >= 2
        assert len(why) > 20
