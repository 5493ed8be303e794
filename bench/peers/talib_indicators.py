"""TA-Lib (its C library, through the Python binding) on the indicator benchmark's cases.

    python bench/peers/talib_indicators.py <bars file> <runs>  < cases.json

Reads the cases (title, TA-Lib function, input columns, keyword arguments, which output) from stdin as
JSON, the bars from the file bench/lib/data.ts writes, and runs each function once on the first 20 000
bars, then `runs` times on all of them, taking the best. Prints one JSON line: per case its title, the
best time in ns per bar, and its last 1 000 values (NaN as null), which bench/indicators.ts compares
with Tradeloom's. Timed from the numpy columns to the output arrays: the call overhead of Python is a
microsecond against milliseconds of work at 1M bars.
"""

import json
import sys
import time

import numpy as np
import talib

from python_peer import read_bars


def main():
    path, runs = sys.argv[1], int(sys.argv[2])
    cases = json.load(sys.stdin)
    bars = read_bars(path)
    # TA-Lib wants contiguous float64 arrays: each column is made so before the clock starts.
    columns = {k: np.ascontiguousarray(v) for k, v in bars.items()}
    warm = {k: np.ascontiguousarray(v[:20_000]) for k, v in columns.items()}
    n = columns["close"].size
    out = []
    for case in cases:
        fn = getattr(talib, case["fn"])

        def run(cols):
            r = fn(*(cols[c] for c in case["inputs"]), **case["kwargs"])
            return r[case["output"]] if isinstance(r, tuple) else r

        run(warm)
        best = float("inf")
        values = None
        for _ in range(runs):
            t0 = time.perf_counter_ns()
            values = run(columns)
            best = min(best, (time.perf_counter_ns() - t0) / n)
        tail = [None if np.isnan(v) else float(v) for v in values[-1000:]]
        out.append({"title": case["title"], "ns": best, "tail": tail})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
