# SPDX-License-Identifier: GPL-3.0-or-later
"""Times pandas.read_csv for bench-csv-import: prints "BEST_SECONDS ROWS".

python3 pandas-read-csv.py FILE REPEATS"""

import sys
import time

import pandas as pd


def main():
    path, repeats = sys.argv[1], int(sys.argv[2])
    best = float("inf")
    rows = 0
    for _ in range(repeats):
        start = time.perf_counter()
        frame = pd.read_csv(path, float_precision="round_trip")
        best = min(best, time.perf_counter() - start)
        rows = len(frame)
        del frame
    print(f"{best:.6f} {rows}")


if __name__ == "__main__":
    main()
