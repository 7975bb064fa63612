#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Print what pandas.read_csv makes of a CSV file, as exact JSON.

Usage: pandas-read-csv.py FILE [--sep CHAR] [--no-header]
       pandas-read-csv.py --batch < JOBS

--sep takes the character itself or "tab". --batch reads a JSON array of
{"path": str, "sep": str, "no_header": bool} from stdin and prints a JSON
array with, for each job, {"result": OUTPUT} or {"error": str}: one Python
start-up (pandas takes ~0.4 s to import) for many files.

OUTPUT (UTF-8 JSON on stdout):
  {"rows": N,
   "columns": [{"name": str,        # pandas' column name, as text
                "header": str|null, # the raw header field (null: no header)
                "dtype": str,       # pandas' dtype name
                "values": [...],    # null where missing
                "missing": [bool, ...]}]}
Values: int64/uint64 as JSON integers, float64 as float.hex() strings
("inf", "-inf" included), bool as JSON booleans, object columns as JSON
strings or booleans (pandas keeps True/False as Python bools in an object
column when the column also has missing values).

The test-csv-fidelity test runs this with Debian's /usr/bin/python3, with
read_csv(..., float_precision="round_trip") as the reference.
"""

import argparse
import json
import math
import sys

import pandas


def encode_value(value, dtype_kind):
    if dtype_kind == "f":
        return float(value).hex()
    if dtype_kind in ("i", "u"):
        return int(value)
    if dtype_kind == "b":
        return bool(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value
    # Not expected from read_csv: say so plainly instead of guessing.
    return {"unexpected": repr(value), "type": type(value).__name__}


def is_missing(value):
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return value is pandas.NA or value is pandas.NaT


def raw_header(path, sep):
    """The header fields exactly as written (no 'Unnamed: N', no '.1')."""
    frame = pandas.read_csv(path, sep=sep, header=None, nrows=1, dtype=str,
                            keep_default_na=False, na_filter=False)
    if len(frame) == 0:
        return None
    return [str(value) for value in frame.iloc[0]]


def read(path, sep=",", no_header=False):
    sep = "\t" if sep in ("\\t", "tab") else sep
    frame = pandas.read_csv(path, sep=sep,
                            header=None if no_header else "infer",
                            float_precision="round_trip")
    header = None if no_header else raw_header(path, sep)

    columns = []
    for index, name in enumerate(frame.columns):
        series = frame.iloc[:, index]
        kind = series.dtype.kind
        values = []
        missing = []
        for value in series.tolist():
            gone = is_missing(value)
            missing.append(gone)
            values.append(None if gone else encode_value(value, kind))
        columns.append({
            "name": str(name),
            "header": header[index] if header is not None else None,
            "dtype": str(series.dtype),
            "values": values,
            "missing": missing,
        })
    return {"rows": len(frame), "columns": columns}


def run_batch():
    results = []
    for job in json.load(sys.stdin):
        try:
            results.append({"result": read(job["path"], job.get("sep", ","),
                                           job.get("no_header", False))})
        except Exception as error:  # reported per file by the test
            results.append({"error": f"{type(error).__name__}: {error}"})
    return results


def main():
    if sys.argv[1:] == ["--batch"]:
        output = run_batch()
    else:
        parser = argparse.ArgumentParser()
        parser.add_argument("path")
        parser.add_argument("--sep", default=",")
        parser.add_argument("--no-header", action="store_true")
        args = parser.parse_args()
        output = read(args.path, args.sep, args.no_header)

    text = json.dumps(output, ensure_ascii=False, allow_nan=False)
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.buffer.write(b"\n")


if __name__ == "__main__":
    main()
