import pytest

from search.rules import MatchExplanation, explain_match, matches


@pytest.mark.parametrize(
    ("query", "doc", "tier"),
    [
        ("Sadr", "Sadr's", "exact"),
        ("sadr", "Sadr", "exact"),
        ("al-Qaeda", "al-Qaeda", "exact"),
        ("Qur'an", "Qur’an", "exact"),
        ("Sairun", "Sairoon", "key"),
        ("Sadr", "al-Sadr", "key"),
        ("sheikh", "shaykh", "key"),
        ("Hawler", "Erbil", "alias"),
        ("Mahdi", "Mehdi", "skeleton"),
        ("Mosul", "Mawsil", "skeleton"),
        # apart
        ("Amman", "Oman", None),
        ("Iran", "Iraq", None),
        ("Hama", "Hamas", None),
        ("Khamenei", "Khomeini", None),
        ("Hassan", "Hussein", None),
        ("Sunni", "Sinai", None),
        ("Saad", "sad", None),
        ("Baath", "bath", None),
        ("Sunni", "sunny", None),
        ("Medina", "median", None),
        ("Kurd", "Kurt", None),
        ("Karim", "Karam", None),
    ],
)
def test_explain_match(query: str, doc: str, tier: str | None) -> None:
    e = explain_match(query, doc)
    assert isinstance(e, MatchExplanation)
    assert e.tier == tier, e.reason
    assert e.reason
    assert matches(query, doc) is (tier is not None)


def test_lowercase_doc_word_reason() -> None:
    assert "not name-like" in explain_match("Saad", "sad").reason


def test_skeleton_reason_mentions_distance() -> None:
    reason = explain_match("Mahdi", "Mehdi").reason
    assert "skeletons" in reason and "distance" in reason


def test_explanation_is_frozen() -> None:
    e = explain_match("Sadr", "Sadr")
    with pytest.raises(AttributeError):
        e.tier = None  # type: ignore[misc]
