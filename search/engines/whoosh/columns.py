"""Whoosh's columns of one reader, read into :class:`search.read.values.Columns`."""

from __future__ import annotations

from whoosh.reading import IndexReader

from search.read.values import Columns


def read_column(reader: IndexReader, fieldname: str, translate: bool = True) -> list:
    """Every document's value of one column, in document order.

    Read leaf by leaf: Whoosh's reader of several segments leaves out the segments without the
    column (the date column of a segment whose articles are all undated), which would shift
    every later document's value onto another document.
    """
    return [
        value
        for leaf, _ in reader.leaf_readers()
        for value in leaf.column_reader(fieldname, translate=translate)
    ]


def read_columns(reader: IndexReader) -> Columns:
    """The columns of every document number of a reader (deleted ones included, marked)."""
    size = reader.doc_count_all()
    deleted = frozenset(n for n in range(size) if reader.is_deleted(n))
    field = reader.schema["date"]
    if not size:
        return Columns.build(
            [], [], [], [], deleted, field.to_column_value, field.from_column_value
        )
    return Columns.build(
        source=read_column(reader, "source"),
        date=read_column(reader, "date", translate=False),
        undated=read_column(reader, "undated"),
        story=read_column(reader, "story"),
        deleted=deleted,
        to_value=field.to_column_value,
        from_value=field.from_column_value,
    )
