"""The version of the analysis an index was built by, recorded with every index (folder or
cluster)."""

#: Recorded with every index; an index built by another version is refused with the command
#: that rebuilds it. Bump it whenever the terms an index holds change, or how they are stored:
#: the schema, the tokenizer, folding, stemming, spelling keys, the name gate, skeletons or the
#: codec (tests/engines/whoosh/test_schema.py fails until the bump is made). Query-time rules
#: (the skeleton guard's distance, the alias table) need none.
ANALYZER_VERSION = "11"
