"""Report progress: a progress bar on a terminal, plain lines otherwise."""

from __future__ import annotations

import io

from theorems.progress import Progress

REC = {"id": "bw.eq6", "variant": "printed", "verdict": "PROVED", "seconds": 0.5}


def test_plain_lines_when_not_a_terminal():
    out = io.StringIO()
    with Progress(out, tty=False) as p:
        p(REC, 1, 2)
        p({**REC, "id": "bw.eq8", "verdict": "REFUTED"}, 2, 2)
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and "\r" not in out.getvalue() and "\033" not in out.getvalue()
    assert lines[0].startswith("[  1/2] bw.eq6") and "PROVED" in lines[0]
    assert "REFUTED" in lines[1]


def test_a_bar_on_a_terminal():
    out = io.StringIO()
    with Progress(out, tty=True) as p:
        p(REC, 1, 4)
        p({**REC, "verdict": "ERROR", "id": "t.boom"}, 2, 4)
    text = out.getvalue()
    assert text.count("\r\033[K") == 3 and text.endswith("\n")  # redrawn in place, ended once
    assert "ERROR t.boom [printed]\n" in text  # a crash stays visible above the bar
    last = text.rsplit("\r\033[K", 1)[1]
    assert "2/4" in last and "/s" in last and "left" in last and "#" in last
