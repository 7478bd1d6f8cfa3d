"""Query strings into checked search requests."""

from __future__ import annotations

import pytest
from starlette.datastructures import QueryParams

from search.errors import QueryError
from web.params import SEARCH_PARAMS, search_request


def test_every_parameter_is_read():
    request = search_request(
        QueryParams(
            "q=Sadr&page=2&size=20&sort=oldest&from=2019&to=2019-06&source=AP&source=Rudaw&exact=1"
            "&without=Sadrs&without=sadrs&without=Sader&collapse=0"
        )
    )
    assert request.echo() == {
        "q": "Sadr",
        "page": 2,
        "size": 20,
        "sort": "oldest",
        "from": "2019-01-01",
        "to": "2019-06-30",
        "source": ["AP", "Rudaw"],
        "exact": True,
        "without": ["sadr", "sader"],  # as the index writes them (its exact forms), each once
        "collapse": False,
    }


def test_empty_values_mean_unset_as_a_form_sends_them():
    request = search_request(QueryParams("q=Sadr&sort=&from=&to=&page=&size="))
    assert request.echo()["sort"] == "relevance" and request.date_from is None


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "q=Sadr&limit=5",
            "unknown parameter 'limit'; use q, page, size, sort, from, to, source, exact, without, "
            "collapse",
        ),
        ("q=Sadr&page=1&page=2", "parameter 'page' is given more than once"),
    ],
)
def test_unknown_and_repeated_parameters_are_refused(query, message):
    with pytest.raises(QueryError) as info:
        search_request(QueryParams(query))
    assert info.value.message == message


def test_the_parameters_match_the_cli_options():
    from search.cli import build_parser

    query = build_parser()._subparsers._group_actions[0].choices["query"]  # type: ignore[union-attr]
    options = {s for a in query._actions for s in a.option_strings}
    # size is --limit on the command line (as in head and grep); q is the positional text.
    names = {"limit" if n == "size" else n for n in SEARCH_PARAMS if n != "q"}
    assert {f"--{n}" for n in names} <= options


@pytest.mark.parametrize(
    ("value", "exact"),
    [("1", True), ("true", True), ("TRUE", True), ("0", False), ("false", False), ("", False)],
)
def test_exact_takes_1_true_0_or_false(value, exact):
    assert search_request(QueryParams({"q": "Sadr", "exact": value})).exact is exact
    assert search_request(QueryParams("q=Sadr")).exact is False


@pytest.mark.parametrize("value", ["yes", "2", "on"])
def test_any_other_exact_value_is_refused(value):
    with pytest.raises(QueryError) as info:
        search_request(QueryParams({"q": "Sadr", "exact": value}))
    assert info.value.message == f"exact must be 1, true, 0 or false, not {value!r}"
