# SPDX-License-Identifier: GPL-3.0-or-later
"""Tables to DataFrames and back (DESIGN.md §3).

frame_from_table_file(path) gives the DataFrame a script receives: what
pandas.read_csv(float_precision="round_trip") would have made of the
table's CSV export, with numeric columns as read-only views of the mapped
file (no copy). write_frame(frame, path) writes a script's result; every
column is reduced here to one of the five table kinds and a missing mask,
and _retort.write_table (C) writes the buffers as they are.
"""

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

import _retort

__all__ = ["frame_from_input", "frame_from_table_file", "send_frame", "write_frame"]

# The run's inputs as the request gave them (a table file's path or a
# descriptor) and the descriptors they refer to: frame_from_input(inputs[0],
# input_fds) converts the first input again.
inputs = []
input_fds = []

_INT64_MAX = np.iinfo(np.int64).max


def frame_from_table_file(path):
    """The DataFrame of a table file, with a RangeIndex 0..n-1."""
    n_rows, columns = _retort.read_table(path)
    # copy=False keeps the read-only views; the default would consolidate
    # them into fresh writable blocks. Table names are unique already.
    return pd.DataFrame(dict(columns), index=pd.RangeIndex(n_rows), copy=False)


def frame_from_input(spec, fds=()):
    """The DataFrame of an input: a table file's path, or a descriptor whose
    regions lie in @fds (doc/runner-protocol.md, "Descriptors")."""
    if isinstance(spec, dict):
        n_rows, columns = _retort.map_table(spec, list(fds))
        return pd.DataFrame(dict(columns), index=pd.RangeIndex(n_rows), copy=False)
    return frame_from_table_file(spec)


def _normalised(frame):
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(frame).__name__}")
    names = [str(label) for label in frame.columns]
    columns = []
    for index, name in enumerate(names):
        series = frame.iloc[:, index]
        try:
            columns.append(_column(series))
        except (ValueError, TypeError, OverflowError) as error:
            # Not type(error): subclasses such as UnicodeError take other arguments.
            kind = TypeError if isinstance(error, TypeError) else ValueError
            raise kind(f"column “{name}”: {error}") from error
    return names, columns


def send_frame(frame, socket):
    """Sends @frame as descriptors on @socket; returns the table descriptor
    (with "rows", "columns" and "fds", how many descriptors were sent)."""
    names, columns = _normalised(frame)
    return _retort.send_table(socket, names, columns)


def write_frame(frame, path):
    """Writes @frame as a table file; returns (rows, columns).

    The index is dropped; names become str(name), made unique by the C side
    (" (2)", " (3)"...).
    """
    names, columns = _normalised(frame)
    return _retort.write_table(path, names, columns)


def _strings(values, mask):
    """str() of every present value; None where missing."""
    out = np.empty(len(values), dtype=object)
    for i, (value, gone) in enumerate(zip(values, mask)):
        out[i] = None if gone else str(value)
    return ("string", out, None)


def _column(series):
    dtype = series.dtype

    if isinstance(dtype, pd.CategoricalDtype):
        labels = [str(category) for category in dtype.categories]
        # Code -1 (missing) picks the trailing None.
        lookup = np.array(labels + [None], dtype=object)
        return ("string", lookup[series.cat.codes.to_numpy()], None)

    if isinstance(dtype, pd.DatetimeTZDtype):
        naive = series.dt.tz_convert("UTC").dt.tz_localize(None)
        return ("datetime", naive.to_numpy(dtype="M8[ns]").view(np.int64), None)

    if isinstance(dtype, pd.SparseDtype):
        return _column(series.sparse.to_dense())

    if isinstance(dtype, pd.api.extensions.ExtensionDtype):
        return _extension_column(series)

    values = series.to_numpy()
    kind = dtype.kind
    if kind == "f":
        return ("float64", values.astype(np.float64, copy=False), None)
    if kind == "i":
        return ("int64", values.astype(np.int64, copy=False), None)
    if kind == "u":
        if dtype.itemsize < 8 or len(values) == 0 or values.max() <= _INT64_MAX:
            return ("int64", values.astype(np.int64), None)
        return ("float64", values.astype(np.float64), None)
    if kind == "b":
        return ("bool", values, None)
    if kind == "M":
        return ("datetime", values.astype("M8[ns]", copy=False).view(np.int64), None)
    if kind == "O":
        return _object_column(values)
    # timedelta, complex and anything else: their text.
    return _strings(series.array, series.isna().to_numpy())


def _extension_column(series):
    array = series.array
    mask = series.isna().to_numpy()
    kind = series.dtype.kind
    if isinstance(array, (pd.arrays.IntegerArray, pd.arrays.FloatingArray,
                          pd.arrays.BooleanArray)):
        data = array.to_numpy(dtype=array.dtype.numpy_dtype, na_value=0)
        if kind == "b":
            return ("bool", data, mask)
        if kind == "f":
            return ("float64", data.astype(np.float64, copy=False), mask)
        if kind == "u" and data.dtype.itemsize == 8 and len(data) and data.max() > _INT64_MAX:
            return ("float64", data.astype(np.float64), mask)
        return ("int64", data.astype(np.int64, copy=False), mask)
    if series.dtype == "string":
        return ("string", array.to_numpy(dtype=object, na_value=None), None)
    # Periods, intervals, sparse...: their text.
    return _strings(array, mask)


def _object_column(values):
    mask = pd.isna(values)
    inferred = infer_dtype(values, skipna=True)
    if inferred == "string":
        return ("string", values, mask)
    if inferred == "empty":
        return ("string", np.full(len(values), None, dtype=object), None)
    if inferred == "boolean":
        return ("bool", np.where(mask, False, values).astype(bool), mask)
    if inferred == "integer":
        try:
            return ("int64", np.where(mask, 0, values).astype(np.int64), mask)
        except OverflowError:
            # Beyond int64: keep the digits, as CSV import does.
            return _strings(values, mask)
    if inferred in ("floating", "mixed-integer-float"):
        return ("float64", np.where(mask, np.nan, values).astype(np.float64), mask)
    if inferred in ("datetime64", "datetime"):
        try:
            stamps = pd.to_datetime(pd.Series(values, dtype=object))
        except (ValueError, TypeError):
            # Mixed time zones: put them all in UTC.
            stamps = pd.to_datetime(pd.Series(values, dtype=object), utc=True)
        if isinstance(stamps.dtype, pd.DatetimeTZDtype):
            stamps = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
        return ("datetime", stamps.to_numpy(dtype="M8[ns]").view(np.int64), None)
    return _strings(values, mask)
