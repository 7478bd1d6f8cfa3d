"""The Starlette application: HTML pages and their JSON twins, built from the same objects.

Every page is rendered from the JSON its twin serves (``/search`` from ``/api/search``,
``/articles/{id}`` from ``/api/articles/{id}``, ``/`` from ``/api/info``), and every error has
one shape: ``{"ok": false, "error": "...", "status": N, "code": "...", "parameter": ...}`` for
JSON, a readable page for HTML.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlencode

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from search import Engine, SearchResponse
from search.backend import ENV_CLUSTER, ClusterFile, Location
from search.engines.whoosh import store
from search.errors import PastLastPage, QueryError, SearchError, error_json
from search.read.budget import DEFAULT_SECONDS, ENV_BUDGET
from search.read.engine import Export
from search.read.export import FORMATS
from search.read.export import lines as export_lines
from search.read.request import default_sort, parse_flag
from search.read.response import Article, NamePage, SpellingTable
from web import views
from web.feed import ENTRIES, MEDIA_TYPE, atom
from web.openapi import openapi_spec
from web.params import (
    ARTICLE_PARAMS,
    EXPORT_PARAMS,
    FILTER_PARAMS,
    SPELLINGS_PARAMS,
    check_params,
    search_request,
)
from web.shared_engine import SharedEngine

HERE = Path(__file__).parent
#: How ``news-search serve`` hands its --allow-origin values to each worker's app factory.
ENV_ORIGINS = "NEWS_SEARCH_ALLOW_ORIGINS"
#: Every answer may be kept by a browser or proxy, and revalidated (ETag) before it is reused.
CACHE_CONTROL = "no-cache"
T = TypeVar("T")
log = logging.getLogger("news_search.web")

templates = Jinja2Templates(directory=HERE / "templates")
templates.env.globals.update(
    search_url=views.search_url,
    toggle_source_url=views.toggle_source_url,
    article_url=views.article_url,
    name_url=views.name_url,
    export_url=views.export_url,
    spellings_url=views.spellings_url,
    toggle_spelling_url=views.toggle_spelling_url,
    spelling_controls=views.spelling_controls,
    script_lang=views.script_lang,
    carried_params=views.carried_params,
    page_sizes=views.PAGE_SIZES,
    written_form=views.written_form,
    period_url=views.period_url,
    timeline_bars=views.timeline_bars,
    timeline_series=views.timeline_series,
    timeline_stacks=views.timeline_stacks,
    chart_size=(views.CHART_WIDTH, views.CHART_HEIGHT),
    also_matched=views.also_matched,
    default_sort=default_sort,
)
templates.env.filters.update(human_date=views.human_date, web_url=views.web_url)

#: The error ``code`` of an HTTP error raised by routing rather than by a search.
HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}

STATUS_TITLES = {
    400: "That search cannot be run",
    404: "Not found",
    405: "Method not allowed",
    500: "Something went wrong on our side",
    503: "The archive is not available",
}


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return (
        path.startswith("/api/")
        or path in ("/openapi.json", "/healthz")
        or path.removeprefix("/search.") in (*FORMATS, "atom")
    )


async def _run(request: Request, work: Callable[[Engine], T]) -> T:
    """Run ``work`` on the shared engine in a worker thread, off the event loop; the commit it
    read is noted in ``request.state.generation`` (for the response's ETag)."""
    shared: SharedEngine = request.app.state.engine

    def noted(engine: Engine) -> T:
        request.state.generation = engine.generation()
        return work(engine)

    return await run_in_threadpool(shared.run, noted)


def _etag(request: Request, generation: int) -> str:
    """A response's validator: the same address (host, path and query) on the same commit is
    the same answer, whatever it took to compute."""
    key = f"{generation}\0{request.url.netloc}{request.url.path}\0{request.url.query}"
    return f'W/"{hashlib.sha256(key.encode()).hexdigest()[:24]}"'


def conditional(
    handler: Callable[[Request], Awaitable[Response]],
) -> Callable[[Request], Awaitable[Response]]:
    """A GET that revalidates: its 200 carries an ETag of the commit it was read from and
    ``Cache-Control: no-cache``; a request whose If-None-Match names the current commit's tag
    is answered 304 without searching again."""

    @functools.wraps(handler)
    async def answer(request: Request) -> Response:
        asked = request.headers.get("if-none-match", "")
        if asked:
            current = _etag(request, await _run(request, lambda engine: engine.generation()))
            if current in (tag.strip() for tag in asked.split(",")):
                headers = {"ETag": current, "Cache-Control": CACHE_CONTROL}
                return Response(status_code=304, headers=headers)
        response = await handler(request)
        generation = getattr(request.state, "generation", None)
        if response.status_code == 200 and generation is not None:
            response.headers["ETag"] = _etag(request, generation)
            response.headers["Cache-Control"] = CACHE_CONTROL
        return response

    return answer


def _json_twin(request: Request, path: str) -> str:
    return f"{path}?{request.url.query}" if request.url.query else path


# Pages ------------------------------------------------------------------------------------------


async def home(request: Request) -> Response:
    if request.url.query:  # a search typed into the address bar: "/?q=Sadr"
        return RedirectResponse(f"/search?{request.url.query}", status_code=303)
    info = await _run(request, lambda engine: engine.info())
    context = {"info": views.public_info(info), "q": "", "exact": False, "json_url": "/api/info"}
    return templates.TemplateResponse(request, "home.html", context)


async def _search(request: Request) -> SearchResponse:
    search = search_request(request.query_params)
    return await _run(request, lambda engine: engine.search(search))


async def _article(request: Request) -> Article:
    search = search_request(request.query_params, ARTICLE_PARAMS)
    article_id = request.path_params["article_id"]
    return await _run(request, lambda engine: engine.article(article_id, reached_from=search))


async def search_page(request: Request) -> Response:
    response = await _search(request)
    context = {
        "r": response.to_json(),
        "q": response.query["q"],
        "exact": response.query["exact"],
        "json_url": _json_twin(request, "/api/search"),
        "feed_url": views.feed_url(response.query),
    }
    return templates.TemplateResponse(request, "search.html", context)


async def _spellings(request: Request) -> SpellingTable:
    search = search_request(request.query_params, SPELLINGS_PARAMS)
    return await _run(request, lambda engine: engine.spelling_table(search))


async def spellings_page(request: Request) -> Response:
    table = await _spellings(request)
    context = {
        "t": table.to_json(),
        "q": table.query["q"],
        "exact": table.query["exact"],
        "json_url": _json_twin(request, "/api/spellings"),
    }
    return templates.TemplateResponse(request, "spellings.html", context)


async def api_spellings(request: Request) -> Response:
    return JSONResponse((await _spellings(request)).to_json())


async def _name(request: Request) -> NamePage:
    check_params(request.query_params, {})
    name = request.path_params["name"]
    return await _run(request, lambda engine: engine.name_page(name))


async def name_page(request: Request) -> Response:
    page = await _name(request)
    context = {
        "n": page.to_json(),
        "q": page.name,
        "exact": False,
        "json_url": views.name_url(page.name, api=True),
    }
    return templates.TemplateResponse(request, "names.html", context)


async def api_name(request: Request) -> Response:
    return JSONResponse((await _name(request)).to_json())


async def article_page(request: Request) -> Response:
    article = await _article(request)
    context = {
        "a": article.to_json(),
        "q": article.q,
        "exact": article.exact,
        "json_url": _json_twin(request, views.article_path(article.id, api=True)),
    }
    return templates.TemplateResponse(request, "article.html", context)


# JSON -------------------------------------------------------------------------------------------


async def api_search(request: Request) -> Response:
    return JSONResponse((await _search(request)).to_json())


async def api_article(request: Request) -> Response:
    return JSONResponse((await _article(request)).to_json())


async def api_info(request: Request) -> Response:
    check_params(request.query_params, {})
    info = await _run(request, lambda engine: engine.info())
    return JSONResponse(views.public_info(info))


def _exporter(format_name: str) -> Callable[[Request], Awaitable[Response]]:
    """The route of ``/search.csv`` or ``/search.jsonl``: every result of a search, streamed."""

    async def export(request: Request) -> Response:
        search = search_request(request.query_params, EXPORT_PARAMS)
        shared: SharedEngine = request.app.state.engine
        await _run(request, lambda engine: engine.documents())  # 503 without a usable index

        def start() -> tuple[Engine, Export]:
            # An engine of its own on the latest commit: the rows are read from one commit as
            # they are sent, while the shared engine goes on answering other requests.
            engine = Engine(shared.location, budget=shared.budget)
            try:
                return engine, engine.export(search)
            except BaseException:
                engine.close()
                raise

        engine, found = await run_in_threadpool(start)

        def rows() -> Iterator[str]:
            try:
                yield from export_lines(format_name, found.hits)
            finally:
                engine.close()

        headers = {
            "Content-Disposition": f'attachment; filename="news-search.{format_name}"',
            "X-Total-Count": str(found.stories),
        }
        return StreamingResponse(rows(), media_type=FORMATS[format_name], headers=headers)

    return export


async def feed(request: Request) -> Response:
    """``/search.atom``: the newest results of a search as an Atom feed."""
    search = replace(
        search_request(request.query_params, FILTER_PARAMS), size=ENTRIES, sort="newest"
    )
    response, updated_at = await _run(
        request, lambda engine: (engine.search(search), engine.info().updated_at)
    )
    fallback = updated_at or "1970-01-01T00:00:00Z"
    base = f"{request.url.scheme}://{request.url.netloc}"
    self_path = _json_twin(request, "/search.atom")
    return Response(atom(response, base, self_path, fallback), media_type=MEDIA_TYPE)


async def healthz(request: Request) -> Response:
    documents = await _run(request, lambda engine: engine.documents())
    return JSONResponse({"ok": True, "status": 200, "documents": documents})


async def openapi(request: Request) -> Response:
    return JSONResponse(openapi_spec())


# Errors -----------------------------------------------------------------------------------------


def _error(
    request: Request,
    status: int,
    message: str,
    code: str,
    parameter: str | None = None,
    last_page_url: str | None = None,
) -> Response:
    if _wants_json(request):
        return JSONResponse(error_json(message, status, code, parameter), status_code=status)
    context = {
        "status": status,
        "title": STATUS_TITLES.get(status, "Error"),
        "message": message,
        "q": request.query_params.get("q", "") if status < 500 else "",
        "exact": status < 500 and _exact_asked(request),
        "json_url": None,
        "last_page_url": last_page_url,
    }
    return templates.TemplateResponse(request, "error.html", context, status_code=status)


def _exact_asked(request: Request) -> bool:
    """Whether the request asked for exact spelling only (False when it said so badly)."""
    try:
        return parse_flag(request.query_params.get("exact"), "exact")
    except QueryError:
        return False


async def search_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SearchError)
    last_page_url = None
    if isinstance(exc, PastLastPage) and request.url.path == "/search":
        params = [(k, v) for k, v in request.query_params.multi_items() if k != "page"]
        if exc.last > 1:
            params.append(("page", str(exc.last)))
        last_page_url = f"/search?{urlencode(params)}" if params else "/search"
    return _error(request, exc.status, exc.message, exc.code, exc.parameter, last_page_url)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    messages = {404: f"nothing is at {request.url.path}", 405: "only GET and HEAD are allowed"}
    message = messages.get(exc.status_code, exc.detail)
    code = HTTP_CODES.get(exc.status_code, "bad_request")
    response = _error(request, exc.status_code, message, code)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def server_error(request: Request, exc: Exception) -> Response:
    log.exception("error serving %s", request.url.path, exc_info=exc)
    message = "internal error: the problem was logged on the server"
    return _error(request, 500, message, "internal_error")


# The application --------------------------------------------------------------------------------


def create_app(
    index_dir: Path | None = None,
    budget: float | None = DEFAULT_SECONDS,
    allow_origins: Sequence[str] = (),
    cluster: Path | None = None,
) -> Starlette:
    """The application over one index directory (default: ``$NEWS_SEARCH_INDEX``, else the
    project's ``index/``), or with ``cluster`` over the cluster that file names; ``budget``, the
    seconds a search may take (None: no limit); ``allow_origins``, the origins whose pages may
    call the API from a browser (CORS; none by default)."""
    location: Location = ClusterFile(cluster) if cluster else index_dir or store.default_index_dir()
    shared = SharedEngine(location, budget)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        shared.close()

    app = Starlette(
        routes=[
            Route("/", conditional(home), name="home"),
            Route("/search", conditional(search_page), name="search"),
            *(Route(f"/search.{name}", _exporter(name), name=f"export_{name}") for name in FORMATS),
            Route("/search.atom", conditional(feed), name="feed"),
            Route("/spellings", conditional(spellings_page), name="spellings"),
            Route("/api/spellings", conditional(api_spellings), name="api_spellings"),
            Route("/names/{name}", conditional(name_page), name="name"),
            Route("/api/names/{name}", conditional(api_name), name="api_name"),
            Route("/articles/{article_id:path}", conditional(article_page), name="article"),
            Route("/api/search", conditional(api_search), name="api_search"),
            Route("/api/articles/{article_id:path}", conditional(api_article), name="api_article"),
            Route("/api/info", conditional(api_info), name="api_info"),
            Route("/healthz", healthz, name="healthz"),
            Route("/openapi.json", openapi, name="openapi"),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ],
        middleware=[
            *(
                [Middleware(CORSMiddleware, allow_origins=[*allow_origins], allow_methods=["GET"])]
                if allow_origins
                else []
            ),
            Middleware(GZipMiddleware, minimum_size=1000),
        ],
        exception_handlers={
            SearchError: search_error,
            HTTPException: http_error,
            Exception: server_error,
        },
        lifespan=lifespan,
    )
    app.state.engine = shared
    return app


def app_from_environment() -> Starlette:
    """The application factory ``news-search serve`` hands to uvicorn (one per worker)."""
    value = os.environ.get(store.ENV_INDEX)
    cluster = os.environ.get(ENV_CLUSTER)
    budget = float(os.environ.get(ENV_BUDGET, DEFAULT_SECONDS))
    origins = os.environ.get(ENV_ORIGINS, "").split()
    return create_app(
        Path(value) if value else None,
        budget or None,
        origins,
        cluster=Path(cluster) if cluster else None,
    )
