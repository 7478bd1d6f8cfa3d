"""The read path, the same over every engine: the query language, the spellings reached, the
query tree, ranking policy, snippets, suggestions and the one response shape."""
