"""The web frontend and JSON API: a thin Starlette adapter over the engine in :mod:`search`."""

from web.app import create_app

__all__ = ["create_app"]
