"""The write path: corpus readers, indexing runs (new, changed and removed articles) and their
progress on a terminal."""
