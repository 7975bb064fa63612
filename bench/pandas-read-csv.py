# SPDX-License-Identifier: GPL-3.0-or-later
"""Times pandas.read_csv for bench-csv-import: prints "BEST_SECONDS ROWS".

python3 pandas-read-csv.py FILE REPEATS [round_trip|default]

"round_trip" (the default here) is pandas' correctly rounded float parser,
the one Retort's import matches bit for bit; "default" is pandas' faster
parser that gets the last digit wrong for about a fifth of long floats."""

import sys
import time

import pandas as pd


def main():
    path, repeats = sys.argv[1], int(sys.argv[2])
    precision = sys.argv[3] if len(sys.argv) > 3 else "round_trip"
    precision = None if precision == "default" else precision
    best = float("inf")
    rows = 0
    for _ in range(repeats):
        start = time.perf_counter()
        frame = pd.read_csv(path, float_precision=precision)
        best = min(best, time.perf_counter() - start)
        rows = len(frame)
        del frame
    print(f"{best:.6f} {rows}")


if __name__ == "__main__":
    main()
