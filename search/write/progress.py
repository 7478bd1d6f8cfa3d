"""Progress of a long index run on a terminal: phase, count of total, rate and ETA.

Writes one self-overwriting line to a terminal and nothing at all elsewhere (pipes, files,
``--quiet``), so scripts and logs stay clean. A phase without a count (committing and merging,
which Whoosh does in one blocking call) shows its elapsed time, kept ticking by a thread.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO


def format_duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


class Progress:
    """A progress line on ``stream``; silent unless ``enabled`` (default: stream is a terminal)."""

    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.phase_name = ""
        self.total: int | None = None
        self.done = 0
        self._started = time.monotonic()
        self._last_draw = 0.0
        self._lock = threading.Lock()
        self._ticker: threading.Thread | None = None
        self._stop = threading.Event()

    def phase(self, name: str, total: int | None = None) -> None:
        """Start a phase; with no total, elapsed time is shown and kept ticking."""
        self._stop_ticker()
        with self._lock:
            self.phase_name, self.total, self.done = name, total, 0
            self._started = time.monotonic()
        self._draw(force=True)
        if total is None and self.enabled:
            self._stop.clear()
            self._ticker = threading.Thread(target=self._tick, daemon=True)
            self._ticker.start()

    def advance(self, n: int = 1) -> None:
        self.done += n
        self._draw()

    def close(self) -> None:
        """End the line, leaving the terminal clean for the summary."""
        self._stop_ticker()
        if self.enabled:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()

    def line(self) -> str:
        """The text of the progress line as it stands."""
        elapsed = time.monotonic() - self._started
        if self.total is None:
            return f"{self.phase_name}... {format_duration(elapsed)}"
        total = max(self.total, self.done)
        percent = 100 * self.done / total if total else 100
        rate = self.done / elapsed if elapsed > 0 else 0.0
        eta = format_duration((total - self.done) / rate) if rate > 0 else "--"
        return (
            f"{self.phase_name}: {self.done:,}/{total:,} articles ({percent:.0f}%)"
            f" · {rate:,.0f}/s · ETA {eta}"
        )

    def _draw(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last_draw < 0.2:
            return
        with self._lock:
            self._last_draw = now
            self.stream.write("\r\x1b[2K" + self.line())
            self.stream.flush()

    def _tick(self) -> None:
        while not self._stop.wait(1.0):
            self._draw(force=True)

    def _stop_ticker(self) -> None:
        if self._ticker is not None:
            self._stop.set()
            self._ticker.join()
            self._ticker = None
