"""The cost of making `/` (index.html with a modulepreload link per module), paired in one run:
the page made from the files every time (as before 2026-12-07, fourteenth session) against the
page kept while the files' modification times and sizes are unchanged (`metskin.web.index_page`).

    PYTHONPATH=src:. .venv/bin/python bench/index_page.py [--rounds 7] [--calls 200]

Prints the median milliseconds per page of each, alternating the two in every round.
"""

from __future__ import annotations

import argparse
import statistics
import time

import metskin.web as web


def made_each_time() -> bytes:
    html = (web.web_root() / "index.html").read_text(encoding="utf-8")
    links = "".join(f'\n  <link rel="modulepreload" href="{p}">' for p in web.module_graph())
    return html.replace(web.APP_SCRIPT, web.APP_SCRIPT + links, 1).encode()


def per_call_ms(make: object, calls: int) -> float:
    assert callable(make)
    start = time.perf_counter()
    for _ in range(calls):
        make()
    return (time.perf_counter() - start) / calls * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    assert made_each_time() == web.index_page(), "the kept page differs from the page made"
    before, after = [], []
    for _ in range(args.rounds):
        before.append(per_call_ms(made_each_time, args.calls))
        after.append(per_call_ms(web.index_page, args.calls))
    b, a = statistics.median(before), statistics.median(after)
    print(f"made each time: median {b:.3f} ms per page")
    print(f"kept:           median {a:.3f} ms per page ({b / a:.1f}x less)")


if __name__ == "__main__":
    main()
