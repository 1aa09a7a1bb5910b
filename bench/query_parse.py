"""Bracket query parser benchmark (issue 10): 1 MB query strings, parsed or refused. Not a test; results go
to docs/benchmarks.md.

    .venv/bin/python bench/query_parse.py [--repeat 5]

Cases, each about 1 MB unless said otherwise:

* ``wide``: 10,000 pairs (the most accepted) of ``filter[custom_fields_values][ID][]=<~80 characters>``;
* ``append``: 9,999 ``0[x][]=N`` pairs (all appended to one list) - the shape that was quadratic;
* ``issue``: the issue's 180 KB body of ``0[x][]=1`` (18,000 pairs) - refused, too many parameters;
* ``too-many``: 1 MB of ``0[x][]=1`` (131,072 pairs) - refused, too many parameters;
* ``deep``: one key with 1 MB of ``[b]`` (about 350,000 levels) - refused, too deep.

Prints the best and median wall time of ``--repeat`` runs of :func:`kanbo.http.query.parse_query_string`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from kanbo.core.errors import BadRequest
from kanbo.http.query import MAX_QUERY_PAIRS, parse_query_string

MB = 1 << 20


def wide() -> str:
    value_length = MB // MAX_QUERY_PAIRS - len("filter[custom_fields_values][1000000][]=&")
    return "&".join(f"filter[custom_fields_values][{1_000_000 + i % 50}][]=" + "v" * value_length
                    for i in range(MAX_QUERY_PAIRS))


CASES: dict[str, Callable[[], str]] = {
    "wide": wide,
    "append": lambda: "&".join(f"0[x][]={i}" for i in range(MAX_QUERY_PAIRS - 1)),
    "issue": lambda: "&".join(["0[x][]=1"] * 18_000),
    "too-many": lambda: "&".join(["0[x][]=1"] * (MB // 8)),
    "deep": lambda: "a" + "[b]" * (MB // 3) + "=1",
}


def run(raw: str, repeat: int) -> tuple[list[float], str]:
    times: list[float] = []
    outcome = ""
    for _ in range(repeat):
        started = time.perf_counter()
        try:
            parse_query_string(raw)
            outcome = "parsed"
        except BadRequest as error:
            outcome = f"400: {error.args[0] if error.args else error}"
        times.append(time.perf_counter() - started)
    return times, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"{'case':<10} {'bytes':>9} {'best ms':>9} {'median ms':>10}  outcome")
    for name, make in CASES.items():
        raw = make()
        times, outcome = run(raw, args.repeat)
        print(f"{name:<10} {len(raw):>9} {min(times) * 1000:>9.1f} {statistics.median(times) * 1000:>10.1f}  "
              f"{outcome[:70]}")


if __name__ == "__main__":
    main()
