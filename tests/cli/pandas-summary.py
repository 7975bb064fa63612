# SPDX-License-Identifier: GPL-3.0-or-later
"""Prints what `retort inspect --json` must print for a CSV file, computed
with pandas (the fidelity reference): python3 pandas-summary.py FILE [SEP] [--no-header]"""

import json
import math
import sys

import pandas as pd

TYPES = {"float64": "float64", "int64": "int64", "bool": "bool", "object": "string"}


def number(value):
    value = float(value)
    if math.isnan(value):
        return None
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


def summarize(path, sep, header):
    frame = pd.read_csv(path, sep=sep, header=0 if header else None,
                        float_precision="round_trip")
    columns = []
    for name in frame.columns:
        series = frame[name]
        if pd.api.types.is_datetime64_any_dtype(series):
            kind = "datetime"
        else:
            kind = TYPES[str(series.dtype)]
        numeric = kind in ("float64", "int64", "bool")
        columns.append({
            "name": str(name),
            "type": kind,
            "missing": int(series.isna().sum()),
            "min": number(series.min()) if numeric else None,
            "max": number(series.max()) if numeric else None,
            "mean": number(series.mean()) if numeric else None,
            "distinct": int(series.nunique()),
        })
    return {"rows": len(frame), "columns": columns}


def main():
    args = [a for a in sys.argv[1:] if a != "--no-header"]
    path = args[0]
    sep = args[1] if len(args) > 1 else ","
    print(json.dumps(summarize(path, sep, "--no-header" not in sys.argv), allow_nan=False))


if __name__ == "__main__":
    main()
