"""Where indexes live: default locations, opening, and the metadata kept beside the index.

Whoosh keeps its own files in the index directory; next to them ``news-search.json`` records the
analyzer version that built the index, when it was built and updated, and the corpus paths it
was built from (so error messages can give the exact command that rebuilds it).

Whoosh commits a generation by renaming its table of contents into place, and the metadata can
only be replaced after that. So an index run first writes the metadata of the generation it is
about to commit to ``news-search.pending.json``, with that generation's number: a run killed
between the commit and the update of ``news-search.json`` leaves the pending file describing the
latest generation, and :func:`read_meta` reads it until the next run replaces both.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.filedb.structfile import StructFile
from whoosh.index import FileIndex

from search.engines.whoosh.mapped import open_mapped
from search.engines.whoosh.schema import ANALYZER_VERSION, build_schema
from search.errors import IndexUnavailable

META_FILE = "news-search.json"
#: The metadata of a generation being committed (see the module docstring).
PENDING_META_FILE = "news-search.pending.json"
INDEX_NAME = "MAIN"
#: Whoosh's name for the table of contents of each generation.
_TOC = re.compile(rf"^_{INDEX_NAME}_([0-9]+)\.toc$")
ENV_INDEX = "NEWS_SEARCH_INDEX"

_PACKAGE_ROOT = Path(__file__).resolve().parents[3]


def project_root() -> Path:
    """The project checkout this package runs from, or the current directory when installed."""
    if (_PACKAGE_ROOT / "pyproject.toml").exists():
        return _PACKAGE_ROOT
    return Path.cwd()


def default_index_dir() -> Path:
    """``$NEWS_SEARCH_INDEX`` if set, else the project's ``index/`` folder."""
    env = os.environ.get(ENV_INDEX)
    return Path(env) if env else project_root() / "index"


def default_corpus_paths() -> list[Path]:
    """The corpus indexed when no path is given: the project's ``seeds/`` folder."""
    return [project_root() / "seeds"]


@dataclass
class IndexMeta:
    """What ``news-search.json`` holds."""

    analyzer_version: str
    built_at: str
    updated_at: str
    paths: list[str] = field(default_factory=list)


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def read_meta(index_dir: Path) -> IndexMeta | None:
    """The metadata of the index's latest generation, or None when it has none readable."""
    pending = _read_meta_file(index_dir / PENDING_META_FILE)
    if pending is not None and pending[1] == committed_generation(index_dir):
        return pending[0]
    meta = _read_meta_file(index_dir / META_FILE)
    return meta[0] if meta else None


def _read_meta_file(path: Path) -> tuple[IndexMeta, int | None] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        meta = IndexMeta(
            analyzer_version=str(data["analyzer_version"]),
            built_at=str(data["built_at"]),
            updated_at=str(data.get("updated_at", data["built_at"])),
            paths=[str(p) for p in data.get("paths", [])],
        )
        generation = data.get("generation")
        return meta, generation if isinstance(generation, int) else None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def write_meta(index_dir: Path, meta: IndexMeta) -> None:
    """Replace the metadata file atomically (and drop the pending one it supersedes)."""
    _write_json(index_dir / META_FILE, asdict(meta))
    with contextlib.suppress(FileNotFoundError):
        (index_dir / PENDING_META_FILE).unlink()


def write_pending_meta(index_dir: Path, meta: IndexMeta, generation: int) -> None:
    """Record ``meta`` as the metadata of ``generation``, before that generation is committed."""
    _write_json(index_dir / PENDING_META_FILE, {**asdict(meta), "generation": generation})


def _write_json(path: Path, data: dict[str, object]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def committed_generation(index_dir: Path) -> int:
    """The number of the latest generation committed in ``index_dir`` (-1 for none): the
    highest of Whoosh's tables of contents."""
    try:
        names = os.listdir(index_dir)
    except OSError:
        return -1
    return max((int(m.group(1)) for m in map(_TOC.match, names) if m), default=-1)


def index_command(index_dir: Path, paths: list[str] | None = None, rebuild: bool = False) -> str:
    """The command line that (re)builds this index, for error messages."""
    words = ["news-search", "index"]
    if rebuild:
        words.append("--rebuild")
    if index_dir.resolve() != default_index_dir().resolve():
        words += ["--index", str(index_dir)]
    words += paths or []
    return shlex.join(words)


def exists(index_dir: Path) -> bool:
    """Whether ``index_dir`` holds an index, readable or not."""
    if not index_dir.is_dir():
        return False
    try:
        return whoosh_index.exists_in(str(index_dir), indexname=INDEX_NAME)
    except Exception:  # a table of contents Whoosh cannot read: an index, but a damaged one
        return True


class _Storage(FileStorage):
    """A folder whose index is always opened with this version's schema, its files read
    through memory maps (:mod:`search.engines.whoosh.mapped`).

    Whoosh's worker processes (``--procs``) open the index again by themselves, and would read
    the schema the index was last written with: rebuilding an index of an older version would
    then fail on the fields added since.
    """

    def __init__(self, path: str) -> None:
        # Compound files are opened by open_file below: no map of Whoosh's, which would copy
        # each file inside them into memory (search.engines.whoosh.mapped).
        super().__init__(path, supports_mmap=False)

    def open_index(self, indexname: str = INDEX_NAME, schema: object = None) -> FileIndex:
        return FileIndex(self, schema or build_schema(), indexname)

    def open_file(self, name: str, **kwargs: object) -> StructFile:
        """A file of the index, read through a memory map without copies."""
        return open_mapped(self._fpath(name), name)


def open_dir(index_dir: Path) -> FileIndex:
    """The Whoosh index in ``index_dir``, with no checks, read with this version's schema."""
    return _Storage(str(index_dir)).open_index(INDEX_NAME)


def create(index_dir: Path) -> FileIndex:
    """A new, empty index generation in ``index_dir``."""
    return _Storage(str(index_dir)).create_index(build_schema(), INDEX_NAME)


def open_index(index_dir: Path) -> FileIndex:
    """Open an index for searching, refusing one that is missing, corrupt or out of date."""
    if not exists(index_dir):
        raise IndexUnavailable(
            f"no index at {index_dir}: build it with `{index_command(index_dir)}`"
        )
    meta = read_meta(index_dir)
    if meta is None and committed_generation(index_dir) == 0:
        # What a first run leaves when it commits nothing (interrupted, or stopped by --strict):
        # the empty generation Whoosh creates before writing.
        raise IndexUnavailable(
            f"no index at {index_dir} (the first `news-search index` did not finish): "
            f"build it with `{index_command(index_dir)}`"
        )
    if meta is None:
        raise IndexUnavailable(
            f"the index at {index_dir} has no readable {META_FILE}: "
            f"rebuild it with `{index_command(index_dir, rebuild=True)}`"
        )
    if meta.analyzer_version != ANALYZER_VERSION:
        raise IndexUnavailable(
            f"the index at {index_dir} was built by analyzer version {meta.analyzer_version}, "
            f"this is {ANALYZER_VERSION}: rebuild it with "
            f"`{index_command(index_dir, meta.paths, rebuild=True)}`"
        )
    try:
        ix = open_dir(index_dir)
        # Whoosh opens segment files lazily: open them now so that a damaged one is reported
        # here, with the command that fixes it, and not as a traceback from the first search.
        ix.reader().close()
        return ix
    except Exception as e:  # Whoosh raises many kinds of errors for damaged files
        raise IndexUnavailable(
            f"the index at {index_dir} cannot be read ({type(e).__name__}: {e}): "
            f"rebuild it with `{index_command(index_dir, meta.paths, rebuild=True)}`"
        ) from e


def dir_size(index_dir: Path) -> int:
    """Bytes on disk of the index directory."""
    return sum(p.stat().st_size for p in index_dir.iterdir() if p.is_file())
