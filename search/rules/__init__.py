"""Pure transliteration-matching rules (no Whoosh here): folding, stemming, spelling keys,
skeletons, the alias table and the word-level match semantics built on them."""

from search.rules.aliases import alias_keys
from search.rules.fold import fold
from search.rules.key import is_name_like, spelling_key
from search.rules.match import MatchExplanation, explain_match, matches
from search.rules.skeleton import key_distance, keys_match, skeleton
from search.rules.stem import bare_possessive, exact_form, light_stem

__all__ = [
    "MatchExplanation",
    "alias_keys",
    "bare_possessive",
    "exact_form",
    "explain_match",
    "fold",
    "is_name_like",
    "key_distance",
    "keys_match",
    "light_stem",
    "matches",
    "skeleton",
    "spelling_key",
]
