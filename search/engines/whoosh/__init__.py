"""The embedded engine, the default: a Whoosh index in one folder, with our codec and writer, its
files read through memory maps, matches as sets, per-article columns and our BM25F scorer."""
