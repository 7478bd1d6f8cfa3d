"""The progress line: count of total, rate and ETA on a terminal; nothing anywhere else."""

from __future__ import annotations

import io
import re
import time

import pytest

from search.write.progress import Progress, format_duration


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_enabled_progress_writes_count_total_rate_and_eta():
    out = io.StringIO()
    progress = Progress(out, enabled=True)

    progress.phase("analysing", 200)
    time.sleep(0.25)  # redraws are at most five a second
    progress.advance(50)

    text = out.getvalue()
    assert "analysing: 0/200 articles (0%)" in text
    last = text.split("\r\x1b[2K")[-1]
    match = re.fullmatch(r"analysing: 50/200 articles \(25%\) · ([\d,]+)/s · ETA (\S+)", last)
    assert match, last
    rate = int(match[1].replace(",", ""))
    assert 0 < rate <= 50 / 0.25  # 50 articles in a little over 0.25 s
    eta = int(match[2].removesuffix("s"))
    assert abs(eta - 150 / rate) <= 1  # 150 more at that rate


def test_redraws_are_throttled_but_the_line_is_current():
    out = io.StringIO()
    progress = Progress(out, enabled=True)
    progress.phase("analysing", 1000)
    for _ in range(500):
        progress.advance()
    assert out.getvalue().count("\r") < 5
    assert progress.line().startswith("analysing: 500/1,000 articles (50%)")


def test_count_past_the_estimate_raises_the_total():
    progress = Progress(io.StringIO(), enabled=True)
    progress.phase("analysing", 10)
    progress.advance(12)
    assert progress.line().startswith("analysing: 12/12 articles (100%)")
    assert progress.line().endswith("ETA 0s")


def test_phase_without_total_shows_elapsed_time_and_close_clears_the_line():
    out = io.StringIO()
    progress = Progress(out, enabled=True)
    progress.phase("analysing", 3)
    progress.advance(3)
    progress.phase("committing and merging")
    assert out.getvalue().endswith("\r\x1b[2Kcommitting and merging... 0s")
    progress.close()
    assert out.getvalue().endswith("\r\x1b[2K")


def test_disabled_progress_writes_nothing():
    out = Terminal()
    progress = Progress(out, enabled=False)
    progress.phase("reading")
    progress.phase("analysing", 100)
    time.sleep(0.21)
    progress.advance(100)
    progress.phase("committing and merging")
    progress.close()
    assert out.getvalue() == ""


@pytest.mark.parametrize(("stream", "written"), [(io.StringIO(), False), (Terminal(), True)])
def test_default_is_enabled_only_on_a_terminal(stream, written):
    progress = Progress(stream)
    progress.phase("analysing", 5)
    progress.close()
    assert progress.enabled is written
    assert bool(stream.getvalue()) is written


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"),
        (-3, "0s"),
        (0.4, "0s"),
        (59.4, "59s"),
        (60, "1m00s"),
        (61, "1m01s"),
        (3599, "59m59s"),
        (3600, "1h00m"),
        (7325, "2h02m"),
    ],
)
def test_format_duration(seconds, text):
    assert format_duration(seconds) == text
