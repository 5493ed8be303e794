"""Compute reference values for indicator nodes from independent implementations.

Reads bars.csv (written by make-bars.ts) and every spec in specs/*.json, runs the named reference
(TA-Lib through its Python binding, or a function in one of the modules beside this file, written from
the published formula with numpy/pandas/statsmodels), and writes nodes/<category>/<name>/reference.json.
The node tests (nodes/reference.ts) replay the same bars through the node and compare.

    bench/.venv/bin/python bench/reference/generate.py            # all specs
    bench/.venv/bin/python bench/reference/generate.py indicator.wma
"""
import importlib
import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import talib

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))


def load_bars():
    df = pd.read_csv(HERE / "bars.csv")
    cols = {c: df[c].to_numpy(dtype=np.float64) for c in ["open", "high", "low", "close", "volume"]}
    cols["time"] = pd.to_datetime(df["time"], utc=True).astype("int64").to_numpy() // 1_000_000
    cols["time"] = cols["time"].astype(np.float64)
    return cols


def resolve(name):
    module, func = name.split(".", 1)
    if module == "talib":
        return getattr(talib, func)
    return getattr(importlib.import_module(module), func)


def as_list(values):
    return [None if (v is None or (isinstance(v, float) and math.isnan(v))) else float(v) for v in np.asarray(values, dtype=np.float64)]


def run_case(case, bars):
    fn = resolve(case["reference"])
    args = [bars[a] for a in case.get("args", [])]
    result = fn(*args, **case.get("kwargs", {}))
    outputs = {}
    for port, index in case["outputs"].items():
        outputs[port] = as_list(result if index is None else result[index])
    return outputs


def main(selected):
    bars = load_bars()
    for spec_file in sorted((HERE / "specs").glob("*.json")):
        spec = json.loads(spec_file.read_text())
        if selected and spec["node"] not in selected:
            continue
        category, name = spec["node"].split(".", 1)
        out = {
            "node": spec["node"],
            "bars": "bench/reference/bars.csv",
            "generator": f"bench/reference/generate.py (TA-Lib {talib.__version__}, numpy {np.__version__})",
            "cases": [],
        }
        for case in spec["cases"]:
            out["cases"].append({k: case[k] for k in ("params", "inputs", "reference") if k in case} | {
                "compareFrom": case.get("compareFrom"),
                "outputs": run_case(case, bars),
            })
        target = ROOT / "nodes" / category / name / "reference.json"
        target.write_text(json.dumps(out, indent=1) + "\n")
        print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main(set(sys.argv[1:]))
