"""Reading corpus files: .txt, .jsonl and .csv into articles, and every skipped record named."""

from __future__ import annotations

import gzip
import json
import os
import random
from datetime import datetime
from pathlib import Path

import pytest

from search.errors import CorpusError
from search.write.corpus import (
    MAX_ID_LENGTH,
    MAX_RECORD_BYTES,
    Article,
    Skip,
    count_records,
    find_files,
    parse_date,
    read_file,
)


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def jsonl(*records: object) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


def read(path: Path) -> list[Article | Skip]:
    return list(read_file(path))


# Finding files ----------------------------------------------------------------------------------


def test_find_files_in_a_directory_returns_supported_files_and_lists_the_others(tmp_path):
    write(tmp_path / "b.jsonl", "")
    write(tmp_path / "a.txt", "Title")
    write(tmp_path / "sub" / "c.CSV", "title\n")
    write(tmp_path / "notes.md", "# not a corpus")
    write(tmp_path / "sub" / "data.json", "{}")
    write(tmp_path / ".hidden.txt", "Hidden")
    write(tmp_path / ".git" / "d.txt", "Hidden too")

    found = find_files([tmp_path])

    assert found.files == [
        (tmp_path / "a.txt").resolve(),
        (tmp_path / "b.jsonl").resolve(),
        (tmp_path / "sub" / "c.CSV").resolve(),
    ]
    assert found.ignored == [
        (tmp_path / "notes.md").resolve(),
        (tmp_path / "sub" / "data.json").resolve(),
    ]


def test_find_files_takes_a_named_file_once(tmp_path):
    path = write(tmp_path / "a.jsonl", "")
    found = find_files([path, tmp_path, path])
    assert found.files == [path.resolve()]
    assert found.ignored == []


@pytest.mark.parametrize(
    ("name", "create", "expected"),
    [
        ("notes.md", True, "unsupported file type"),
        ("data.json", True, "unsupported file type"),
        ("missing.jsonl", False, "no such file or directory"),
        ("missing-dir", False, "no such file or directory"),
    ],
)
def test_find_files_refuses_a_named_file_of_unknown_type_or_a_missing_path(
    tmp_path, name, create, expected
):
    path = tmp_path / name
    if create:
        write(path, "x")
    with pytest.raises(CorpusError, match=expected) as info:
        find_files([path])
    assert str(path) in info.value.message
    assert info.value.exit_code == 2


# Plain text -------------------------------------------------------------------------------------


def test_txt_first_non_empty_line_is_the_title_the_rest_the_body(tmp_path):
    path = write(
        tmp_path / "sadr-2020.txt",
        "\n  \n  Sadr calls for protests  \n\nFirst paragraph.\n\nSecond paragraph.\n\n",
    )
    [article] = read(path)
    assert article == Article(
        id="sadr-2020",
        title="Sadr calls for protests",
        body="First paragraph.\n\nSecond paragraph.",
        date=None,
        source="",
        url="",
        origin=str(path),
        line=3,
    )


def test_txt_with_a_title_only_is_an_article(tmp_path):
    [article] = read(write(tmp_path / "t.txt", "Just a headline\n"))
    assert (article.id, article.title, article.body) == ("t", "Just a headline", "")


def test_txt_byte_order_mark_is_not_part_of_the_title(tmp_path):
    [article] = read(write(tmp_path / "bom.txt", "\ufeffTitle\nBody"))
    assert article.title == "Title"


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        ("", 0, "empty file"),
        ("\n   \n\t\n", 0, "empty file (only blank lines)"),
        ("\n\n  \t", 0, "empty file (only blank lines)"),
        (b"Title\nfine line\ncaf\xe9 au lait\n", 3, "not valid UTF-8"),
        (b"\xff\xfeT\x00i\x00t\x00l\x00e\x00", 0, "not valid UTF-8: UTF-16 text"),
        (b"Title\nBody with a \x00 in it", 1, "field 'body' contains a NUL character"),
    ],
    ids=["empty", "blank", "blank-no-newline", "latin-1", "utf-16", "nul"],
)
def test_txt_that_cannot_be_an_article_is_skipped_naming_file_and_line(
    tmp_path, content, line, reason
):
    path = write(tmp_path / "bad.txt", content)
    [skip] = read(path)
    assert isinstance(skip, Skip)
    assert (skip.origin, skip.line) == (str(path), line)
    assert reason in skip.reason
    assert str(skip).startswith(f"{path}:{line}: " if line else f"{path}: ")


# JSON Lines -------------------------------------------------------------------------------------


def test_jsonl_reads_the_fields_and_ignores_the_others(tmp_path):
    path = write(
        tmp_path / "news.jsonl",
        jsonl(
            {
                "id": "a1",
                "title": " Sairun wins ",
                "body": "The Sairun alliance won.",
                "date": "2018-05-19T10:30:00",
                "source": "rudaw",
                "url": "https://example.org/a1",
                "meta": {"lang": "en"},
                "tags": ["iraq"],
            },
            {"id": 7, "title": "Numeric id"},
        ),
    )
    first, second = read(path)
    assert first == Article(
        id="a1",
        title="Sairun wins",
        body="The Sairun alliance won.",
        date=datetime(2018, 5, 19, 10, 30),
        source="rudaw",
        url="https://example.org/a1",
        origin=str(path),
        line=1,
    )
    assert (second.id, second.line) == ("7", 2)


@pytest.mark.parametrize(
    ("record", "title", "body", "date"),
    [
        ({"id": "x", "title": "Title only"}, "Title only", "", None),
        ({"id": "x", "body": "Body only"}, "", "Body only", None),
        ({"id": "x", "title": "T", "date": None, "body": None}, "T", "", None),
        ({"id": "x", "title": "T", "date": ""}, "T", "", None),
        ({"id": "x", "title": "T", "date": "2020-01-09"}, "T", "", datetime(2020, 1, 9)),
    ],
)
def test_jsonl_missing_date_title_or_body_is_allowed(tmp_path, record, title, body, date):
    [article] = read(write(tmp_path / "a.jsonl", jsonl(record)))
    assert isinstance(article, Article)
    assert (article.title, article.body, article.date) == (title, body, date)


def test_jsonl_record_without_id_gets_one_from_file_and_line(tmp_path):
    [article] = read(write(tmp_path / "wire.jsonl", "\n" + jsonl({"title": "No id"})))
    assert (article.id, article.line) == ("wire-2", 2)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b"this is not json", "not JSON"),
        (b'{"id": "x", "title": "unterminated', "not JSON"),
        (b'["id", "title"]', "not a JSON object"),
        (b'"just a string"', "not a JSON object"),
        (b'{"id": "x"}', "neither title nor body"),
        (b'{"id": "x", "title": "  ", "body": ""}', "neither title nor body"),
        (b'{"id": "x", "title": "T", "date": "09/01/2020"}', "unparseable date '09/01/2020'"),
        (b'{"id": "x", "title": "T", "date": "2020-02-30"}', "unparseable date"),
        (b'{"id": "x", "title": "T", "date": 20200109}', "date must be a string"),
        (b'{"id": "x", "title": 12}', "field 'title' must be a string"),
        (b'{"id": "x", "title": "caf\xe9"}', "not valid UTF-8"),
        (b"[" * 100_000, "not JSON that can be read: nested too deeply"),
        (b'{"id": "x", "title": "T", "meta": ' + b"[" * 100_000, "nested too deeply"),
        (b'{"id": "x", "title": "T", "n": 1' + b"0" * 5000 + b"}", "integer string conversion"),
        (b'[{"id": "x", "title": "T"}]', "not a JSON object but list"),
        (b'{"id": "x", "title": "lone \\ud800 surrogate"}', "field 'title' holds a lone surrogate"),
        (b'{"id": "x", "title": "T", "body": "a \\u0000 b"}', "field 'body' contains a NUL"),
        (b'{"id": "x", "title": "T", "date": "2020-02-30"}', "unparseable date '2020-02-30'"),
        (
            b'{"id": "x", "title": "T", "date": "0001-01-01T00:00:00+01:00"}',
            "date '0001-01-01T00:00:00+01:00' is out of range once converted to UTC",
        ),
        (b'{"id": "x", "title": "T", "date": "9999-12-31T23:00:00-02:00"}', "out of range"),
        (b'{"id": "a\\nb", "title": "T"}', "id 'a\\nb' contains a control character (U+000A)"),
        (b'{"id": "a\\u0000b", "title": "T"}', "control character (U+0000)"),
        (b'{"id": "a\\tb", "title": "T"}', "control character (U+0009)"),
        (b'{"id": "a\\u2028b", "title": "T"}', "control character (U+2028)"),
        (b'{"id": "a\\u0085b", "title": "T"}', "control character (U+0085)"),
        (b'{"id": "' + b"x" * 513 + b'", "title": "T"}', "id is 513 characters long; at most 512"),
        (b'{"id": "..", "title": "T"}', "id '..' cannot be reached at /articles/.."),
        (b'{"id": ".", "title": "T"}', "id '.' cannot be reached"),
    ],
)
def test_jsonl_bad_line_is_skipped_naming_file_and_line_and_the_rest_is_read(
    tmp_path, line, reason
):
    good = jsonl({"id": "g1", "title": "Good"}).encode()
    path = write(tmp_path / "mixed.jsonl", good + b"\n" + line + b"\n" + good.replace(b"g1", b"g2"))

    records = read(path)

    assert [type(r) for r in records] == [Article, Skip, Article]
    skip = records[1]
    assert (skip.origin, skip.line) == (str(path), 3)
    assert reason in skip.reason
    assert str(skip).startswith(f"{path}:3: ")
    assert [records[0].id, records[2].id] == ["g1", "g2"]
    assert records[2].line == 4


def test_jsonl_ids_up_to_512_characters_with_slashes_and_any_other_text_are_kept(tmp_path):
    ids = ["x" * 512, "a/b/c", "/lead/", "a/../b", "a b?c#d%2F", "...", "é/ü", "\u200fmark"]
    records = read(write(tmp_path / "ids.jsonl", jsonl(*({"id": i, "title": "T"} for i in ids))))
    assert [r.id for r in records] == ids


def test_jsonl_line_longer_than_a_record_may_be_is_skipped_and_the_rest_read(tmp_path):
    good = jsonl({"id": "g1", "title": "Good"}).encode()
    huge = b'{"id": "big", "title": "Big", "body": "' + b"word " * (MAX_RECORD_BYTES // 5) + b'"}'
    path = write(tmp_path / "big.jsonl", good + huge + b"\n" + good.replace(b"g1", b"g2"))

    records = read(path)

    assert [type(r) for r in records] == [Article, Skip, Article]
    assert records[1].line == 2
    assert "the line is 10.0 MiB; a record may be at most 10.0 MiB" in records[1].reason
    assert (records[2].id, records[2].line) == ("g2", 3)


def test_jsonl_reads_windows_line_endings_and_a_byte_order_mark(tmp_path):
    content = "\ufeff" + jsonl({"id": "a", "title": "A"}, {"id": "b", "title": "B"})
    records = read(write(tmp_path / "crlf.jsonl", content.replace("\n", "\r\n")))
    assert [(r.id, r.title, r.line) for r in records] == [("a", "A", 1), ("b", "B", 2)]


# CSV --------------------------------------------------------------------------------------------


def test_csv_reads_columns_by_header_and_ignores_the_others(tmp_path):
    path = write(
        tmp_path / "feed.csv",
        "Source,ID,Title,Extra,Body,Date,URL\n"
        "afp,c1,Sairoon leads,zzz,Results are in.,2018-05-14,https://example.org/c1\n"
        'ap,c2,"Quoted, with comma",,"Two\nlines",2018-05-15T12:00:00Z,\n',
    )
    first, second = read(path)
    assert first == Article(
        id="c1",
        title="Sairoon leads",
        body="Results are in.",
        date=datetime(2018, 5, 14),
        source="afp",
        url="https://example.org/c1",
        origin=str(path),
        line=2,
    )
    assert (second.id, second.title, second.body, second.date) == (
        "c2",
        "Quoted, with comma",
        "Two\nlines",
        datetime(2018, 5, 15, 12),
    )
    assert second.line == 3


def test_csv_with_only_some_columns_is_read(tmp_path):
    [article] = read(write(tmp_path / "min.csv", "title\nA headline\n"))
    assert (article.id, article.title, article.body, article.date) == (
        "min-2",
        "A headline",
        "",
        None,
    )


def test_csv_line_numbers_count_multi_line_records_and_blank_lines(tmp_path):
    path = write(
        tmp_path / "lines.csv",
        "id,title,body\n"  # 1
        'a,A,"one\n'  # 2
        'two"\n'  # 3
        "\n"  # 4
        "b,B,after a blank line\n"  # 5
        "\r\n"  # 6
        "c,C,after another\n",  # 7
    )
    assert [(r.id, r.line) for r in read(path)] == [("a", 2), ("b", 5), ("c", 7)]


@pytest.mark.parametrize("char", ["\f", "\v", "\x1c", "\x85", "\u2028", "\u2029"])
def test_csv_field_with_a_unicode_line_separator_stays_in_one_record(tmp_path, char):
    path = write(tmp_path / "sep.csv", f"id,title,body\na,A,one{char}two\nb,B,next\n")
    assert [(r.id, r.body, r.line) for r in read(path)] == [
        ("a", f"one{char}two", 2),
        ("b", "next", 3),
    ]


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (b"x,,", "neither title nor body"),
        (b"x,T,body,yesterday", "unparseable date 'yesterday'"),
        (b"x,caf\xe9,body,", "not valid UTF-8"),
    ],
)
def test_csv_bad_row_is_skipped_naming_file_and_line(tmp_path, row, reason):
    path = write(
        tmp_path / "rows.csv",
        b"id,title,body,date\ng1,Good,one,2020-01-01\n\n" + row + b"\ng2,Good,two,\n",
    )
    records = read(path)
    assert [type(r) for r in records] == [Article, Skip, Article]
    assert (records[1].origin, records[1].line) == (str(path), 4)
    assert reason in records[1].reason
    assert (records[2].id, records[2].line) == ("g2", 5)


@pytest.mark.parametrize(
    "content", ["id,headline,text\n1,A,B\n", "x1,Some title,Some body\nx2,Other,Body\n"]
)
def test_csv_without_title_or_body_column_is_skipped_at_its_header(tmp_path, content):
    path = write(tmp_path / "nohead.csv", content)
    [skip] = read(path)
    assert isinstance(skip, Skip)
    assert (skip.origin, skip.line) == (str(path), 1)
    assert "header has neither a 'title' nor a 'body' column" in skip.reason
    assert "is the header row missing?" in skip.reason
    assert skip.unread


def test_csv_record_with_nul_bytes_is_skipped_and_the_rest_read(tmp_path):
    path = write(
        tmp_path / "nul.csv", "id,title,body\nn1,One,ok\nn2,Tw\0o,bad\nn3,Three,ok\0\nn4,F,ok\n"
    )
    records = read(path)
    assert [type(r) for r in records] == [Article, Skip, Skip, Article]
    assert [(r.line, r.reason) for r in records[1:3]] == [
        (3, "field 'title' contains a NUL character (binary data?)"),
        (4, "field 'body' contains a NUL character (binary data?)"),
    ]
    assert [records[0].id, records[3].id] == ["n1", "n4"]


def test_csv_line_longer_than_a_record_may_be_ends_the_file_with_a_skip(tmp_path):
    huge = "x" * (MAX_RECORD_BYTES + 1)
    path = write(tmp_path / "long.csv", f"id,title,body\na,A,one\nb,B,{huge}\nc,C,three\n")
    records = read(path)
    assert [type(r) for r in records] == [Article, Skip]
    assert records[1].line == 3
    assert "the record is 10.0 MiB; a record may be at most 10.0 MiB" in records[1].reason
    assert "the rest of the file was not read" in records[1].reason
    assert records[1].unread


def test_csv_quote_left_open_ends_the_file_with_a_skip_at_its_record(tmp_path):
    lines = "".join(f"r{n},Row {n},body of row {n}\n" for n in range(MAX_RECORD_BYTES // 20))
    path = write(tmp_path / "open.csv", f'id,title,body\na,A,one\nb,"B,two\n{lines}')
    records = read(path)
    assert [type(r) for r in records] == [Article, Skip]
    assert records[1].line == 3
    assert "is a quote left open?" in records[1].reason


def test_csv_record_larger_than_a_record_may_be_is_skipped_and_the_rest_read(tmp_path):
    half = "y" * (MAX_RECORD_BYTES // 2 + 1)
    path = write(tmp_path / "wide.csv", f'id,title,body\na,"{half}\n","{half}"\nb,B,two\n')
    records = read(path)
    assert [type(r) for r in records] == [Skip, Article]
    assert (records[0].line, records[1].id, records[1].line) == (2, "b", 4)
    assert "the record is 10.0 MiB" in records[0].reason


# Dates and counts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020-01-09", datetime(2020, 1, 9)),
        ("2020-01-09T10:30:00", datetime(2020, 1, 9, 10, 30)),
        ("2020-01-09 10:30", datetime(2020, 1, 9, 10, 30)),
        ("2020-01-09T10:30:00Z", datetime(2020, 1, 9, 10, 30)),
        ("2020-01-09T23:30:00-05:00", datetime(2020, 1, 10, 4, 30)),
        ("2020-01-10T01:00:00+03:00", datetime(2020, 1, 9, 22, 0)),
        ("  2020-01-09  ", datetime(2020, 1, 9)),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_parse_date_gives_naive_utc(value, expected):
    parsed = parse_date(value)
    assert parsed == expected
    assert parsed is None or parsed.tzinfo is None


@pytest.mark.parametrize(
    "value",
    [
        "yesterday",
        "2020-13-01",
        "2020-02-30",
        "9/1/2020",
        "10000-01-01",
        "0000-12-31",
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:30:00-01:00",
        2020,
        1.5,
    ],
)
def test_parse_date_refuses_anything_else(value):
    with pytest.raises(ValueError):
        parse_date(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0001-01-01", datetime(1, 1, 1)),
        ("0001-01-01T01:00:00+01:00", datetime(1, 1, 1)),
        ("9999-12-31T23:59:59.999999", datetime(9999, 12, 31, 23, 59, 59, 999999)),
        ("9999-12-31T22:00:00-01:00", datetime(9999, 12, 31, 23)),
    ],
)
def test_parse_date_takes_every_year_from_1_to_9999(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("a.txt", "Title\nBody\nMore\n", 1),
        ("a.jsonl", '{"title": "a"}\n\n{"title": "b"}\n{"title": "c"}', 3),
        ("a.csv", "title\nx\ny\n", 2),
        ("e.csv", "", 0),
    ],
)
def test_count_records_estimates_records_for_progress(tmp_path, name, content, expected):
    assert count_records(write(tmp_path / name, content)) == expected


def test_count_records_of_a_file_that_cannot_be_read_is_0(tmp_path):
    assert count_records(tmp_path / "gone.jsonl") == 0
    assert count_records(write(tmp_path / "dir.jsonl" / "inner.txt", "x").parent) == 0


# Files that are not corpus text -----------------------------------------------------------------


RANDOM = bytes(random.Random(7).randrange(256) for _ in range(20_000))


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".txt"])
@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (gzip.compress(b'{"id": "a", "title": "A"}\n' * 200), "gzip-compressed data"),
        (b"PK\x03\x04" + RANDOM[:200], "a zip archive"),
        (RANDOM, "not a text file: binary data, or text in an encoding other than UTF-8"),
        ("Title\n".encode("utf-16"), "not valid UTF-8: UTF-16 text"),
        (b"", "empty file"),
        (b"\n\r\n  \n", "empty file (only blank lines)"),
        (b"\xef\xbb\xbf", "empty file"),
    ],
    ids=["gzip", "zip", "random", "utf-16", "empty", "blank", "bom-only"],
)
def test_a_file_that_is_not_corpus_text_is_one_skip_naming_the_file(
    tmp_path, suffix, content, reason
):
    path = write(tmp_path / f"data{suffix}", content)
    [skip] = read(path)
    assert isinstance(skip, Skip)
    assert (skip.origin, skip.line) == (str(path), 0)
    assert reason in skip.reason
    assert str(skip) == f"{path}: {skip.reason}"


def test_text_with_a_few_stray_control_bytes_is_read_line_by_line(tmp_path):
    good = jsonl({"id": "g", "title": "Good"}).encode()
    path = write(tmp_path / "mostly.jsonl", good * 3 + b"\x00\x01\x02 stray\n" + good)
    assert [type(r) for r in read(path)] == [Article, Article, Article, Skip, Article]


def test_txt_larger_than_a_record_may_be_is_skipped(tmp_path):
    path = write(tmp_path / "book.txt", "Title\n" + "word " * (MAX_RECORD_BYTES // 5))
    [skip] = read(path)
    assert (skip.line, skip.reason) == (0, "the file is 10.0 MiB; a record may be at most 10.0 MiB")


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".txt"])
def test_a_file_that_cannot_be_opened_is_a_skip_and_never_an_error(tmp_path, suffix):
    gone = tmp_path / f"gone{suffix}"  # listed, then removed before it was read
    directory = tmp_path / f"dir{suffix}"
    directory.mkdir()
    for path, why in [(gone, "No such file or directory"), (directory, "Is a directory")]:
        [skip] = read(path)
        assert (skip.origin, skip.line, skip.unread) == (str(path), 0, True)
        assert skip.reason == f"cannot be read ({why})"


# Symbolic links and other files in a directory --------------------------------------------------


def test_find_files_reports_links_it_cannot_or_does_not_follow(tmp_path):
    write(tmp_path / "a.jsonl", jsonl({"id": "a", "title": "A"}))
    (tmp_path / "loop").symlink_to(tmp_path)  # a link to its own directory
    (tmp_path / "l1.jsonl").symlink_to(tmp_path / "l2.jsonl")
    (tmp_path / "l2.jsonl").symlink_to(tmp_path / "l1.jsonl")
    (tmp_path / "broken.csv").symlink_to(tmp_path / "missing.csv")
    (tmp_path / "other").symlink_to(tmp_path / "other")  # loops, not a corpus file's name
    (tmp_path / "same.jsonl").symlink_to(tmp_path / "a.jsonl")
    os.mkfifo(tmp_path / "pipe.jsonl")

    found = find_files([tmp_path])

    assert found.files == [(tmp_path / "a.jsonl").resolve()]
    assert found.ignored == [tmp_path / "other"]
    assert [(p.origin, p.line, p.unread) for p in found.problems] == [
        (str(tmp_path / name), 0, True)
        for name in ["broken.csv", "l1.jsonl", "l2.jsonl", "loop", "pipe.jsonl"]
    ]
    assert [p.reason for p in found.problems] == [
        f"broken symbolic link (to {tmp_path / 'missing.csv'})",
        f"symbolic link loop (to {tmp_path / 'l2.jsonl'})",
        f"symbolic link loop (to {tmp_path / 'l1.jsonl'})",
        f"symbolic link to a directory ({tmp_path}), not followed: give that directory to index it",
        "not a regular file",
    ]


def test_find_files_refuses_a_named_path_that_is_neither_file_nor_directory(tmp_path):
    os.mkfifo(tmp_path / "pipe.jsonl")
    with pytest.raises(CorpusError, match="not a regular file or a directory"):
        find_files([tmp_path / "pipe.jsonl"])


def test_the_readme_states_the_limits_the_readers_enforce():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert f"up to {MAX_ID_LENGTH} characters" in readme
    assert f"over {MAX_RECORD_BYTES // 2**20} MiB" in readme
