"""Analysis: the pure rules of ``search.rules`` run over tokens, as the index and the query see
them (Whoosh analyzers, and the term lists every engine indexes), and how common a word is."""
