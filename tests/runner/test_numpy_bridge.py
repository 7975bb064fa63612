# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks of _retort and retort_convert, run by test-numpy-bridge.c.

Each test_* function (and each CSV file of the fidelity check) is one GTest
case; raising Skip skips it. Output goes to stderr (TAP is on stdout).
"""

import atexit
import datetime
import gc
import glob
import os
import shutil
import tempfile

import numpy as np
import pandas as pd
import pandas.testing as pdt

import _retort
import _retort_test
import retort_convert


class Skip(Exception):
    """The case does not apply; the message says why."""


TMP = tempfile.mkdtemp(prefix="retort-bridge-")
atexit.register(shutil.rmtree, TMP, ignore_errors=True)

# Files the CSV fidelity test reads with an explicit delimiter or no header
# (tests/table/test-csv-fidelity.c lists the same).
SEPARATORS = {"delimiter-pipe.csv": "|", "delimiter-semicolon.csv": ";",
              "delimiter-tab.tsv": "\t"}
NO_HEADER = {"no-header.csv", "no-header-single-row.csv"}
# doc/csv-import.md, "Deliberate differences from pandas".
DEVIATIONS = {
    "int-uint64-range.csv": "integers beyond int64 stay text (pandas: uint64)",
}


def tmp_path(name):
    return os.path.join(TMP, name)


def csv_files():
    files = []
    shared = os.environ.get("RETORT_SHARED_DATASETS")
    if shared:
        files += sorted(glob.glob(os.path.join(shared, "*.csv")))
    tests = os.environ.get("G_TEST_SRCDIR", os.path.dirname(os.path.dirname(__file__)))
    for pattern in ("*.csv", "*.tsv"):
        files += sorted(glob.glob(os.path.join(tests, "data", "csv", pattern)))
    return files


def fidelity_case(path):
    def case():
        base = os.path.basename(path)
        if base in DEVIATIONS:
            raise Skip(f"{base}: documented difference: {DEVIATIONS[base]}")
        sep = SEPARATORS.get(base, ",")
        no_header = base in NO_HEADER
        expected = pd.read_csv(path, sep=sep, header=None if no_header else "infer",
                               float_precision="round_trip")
        table = tmp_path(base + ".rtbl")
        _retort_test.csv_to_table_file(path, table, sep, not no_header)
        frame = retort_convert.frame_from_table_file(table)
        if no_header:
            # The runner hands every name over as text.
            expected.columns = [str(name) for name in expected.columns]
        if list(frame.columns) != list(expected.columns):
            if any(".1" in str(name) for name in expected.columns):
                raise Skip(f"{base}: duplicate header names (pandas: name.1, Retort: name (2))")
        # read_csv gives a header-only file an empty object Index; DESIGN.md
        # §3 promises scripts a RangeIndex, which wins.
        pdt.assert_frame_equal(frame, expected, check_exact=True,
                               check_index_type=len(expected) > 0)
        assert isinstance(frame.index, pd.RangeIndex)
        check_views(frame)
        os.unlink(table)
    return case


def check_views(frame):
    """Every column can be changed in place, as pandas users expect."""
    for name in frame.columns:
        values = frame[name].to_numpy()
        assert values.flags.writeable or values.dtype.kind == "O", f"{name} is read-only"


def mapped_ranges(path):
    """(start, end) of every mapping of @path in this process."""
    ranges = []
    real = os.path.realpath(path)
    with open("/proc/self/maps") as maps:
        for line in maps:
            fields = line.split(maxsplit=5)
            if len(fields) == 6 and fields[5].strip().startswith(real):
                start, end = (int(x, 16) for x in fields[0].split("-"))
                ranges.append((start, end))
    return ranges


def address(array):
    return array.__array_interface__["data"][0]


# --- reading -----------------------------------------------------------------

def test_in_place_edits_stay_private():
    """Scripts edit their inputs in place (Azure ML scripts do); the pages are
    copied on write, so the table file and other readers never see it."""
    source = pd.DataFrame({
        "f": np.array([1.5, np.nan, 3.0]),
        "i": np.array([1, 2, 3], dtype=np.int64),
        "b": np.array([True, False, True]),
        "s": ["x", None, "z"],
    })
    path = tmp_path("in-place.rtbl")
    retort_convert.write_frame(source, path)
    with open(path, "rb") as f:
        before = f.read()

    frame = retort_convert.frame_from_table_file(path)
    other = retort_convert.frame_from_table_file(path)
    frame.fillna(0, inplace=True)
    frame.loc[0, "i"] = 100
    frame.iloc[2, 0] = -1.0
    frame.at[1, "b"] = True
    frame["i"] += 1
    assert frame["f"].tolist() == [1.5, 0.0, -1.0]
    assert frame["i"].tolist() == [101, 3, 4]
    assert frame["b"].tolist() == [True, True, True]

    pdt.assert_frame_equal(other, source)
    with open(path, "rb") as f:
        assert f.read() == before, "an in-place edit reached the table file"
    os.unlink(path)


def test_zero_copy_views():
    n = 1000
    source = pd.DataFrame({
        "f": np.linspace(0, 1, n),
        "f_missing": np.where(np.arange(n) % 7 == 0, np.nan, np.arange(n, dtype=float)),
        "i": np.arange(n, dtype=np.int64) - 500,
        "b": np.arange(n) % 3 == 0,
        "t": pd.date_range("2024-01-01", periods=n, freq="h"),
    })
    path = tmp_path("views.rtbl")
    retort_convert.write_frame(source, path)

    n_rows, columns = _retort.read_table(path)
    assert n_rows == n
    arrays = dict(columns)
    ranges = mapped_ranges(path)
    assert ranges, "the table file is not mapped"
    for name, array in arrays.items():
        assert array.flags.writeable, f"{name} is read-only"
        assert type(array.base).__name__ == "PyCapsule", f"{name}: base {type(array.base)}"
        start = address(array)
        assert any(lo <= start < hi for lo, hi in ranges), f"{name} is not in the mapping"
    assert arrays["f"].dtype == np.float64
    assert arrays["f_missing"].dtype == np.float64
    assert arrays["i"].dtype == np.int64
    assert arrays["b"].dtype == np.bool_
    assert arrays["t"].dtype == np.dtype("M8[ns]")

    # The DataFrame keeps the same memory (copy=False, no consolidation).
    frame = retort_convert.frame_from_table_file(path)
    ranges = mapped_ranges(path)
    for name in source.columns:
        values = frame[name].to_numpy()
        assert values.flags.writeable, f"{name} is read-only in the frame"
        assert any(lo <= address(values) < hi for lo, hi in ranges), f"{name} was copied"
    pdt.assert_frame_equal(frame, source)
    assert isinstance(frame.index, pd.RangeIndex) and frame.index.dtype == np.int64

    # The arrays outlive the file and the table: the capsule holds the mapping.
    expected = {name: np.array(array) for name, array in arrays.items()}
    os.unlink(path)
    del frame, columns
    gc.collect()
    for name, array in arrays.items():
        np.testing.assert_array_equal(array, expected[name])
    assert mapped_ranges(path), "the mapping went away under live arrays"

    # ... and goes away with the last of them.
    del array, values
    arrays.clear()
    gc.collect()
    assert not mapped_ranges(path), "the mapping leaked"


def test_read_conversions():
    """Columns with missing values become what pandas.read_csv would give."""
    path = tmp_path("missing.rtbl")
    source = pd.DataFrame({
        "i": pd.array([1, None, 3], dtype="Int64"),
        "b": pd.array([True, None, False], dtype="boolean"),
        "s": ["a", None, "é"],
        "t": pd.to_datetime(["2024-01-01", None, "2024-01-03"]),
    })
    retort_convert.write_frame(source, path)
    frame = retort_convert.frame_from_table_file(path)
    expected = pd.DataFrame({
        "i": [1.0, np.nan, 3.0],
        "b": np.array([True, np.nan, False], dtype=object),
        "s": np.array(["a", np.nan, "é"], dtype=object),
        "t": pd.to_datetime(["2024-01-01", None, "2024-01-03"]),
    })
    pdt.assert_frame_equal(frame, expected, check_exact=True)
    assert frame["b"][1] is not None and np.isnan(frame["b"][1])
    assert frame["s"][1] is not None and np.isnan(frame["s"][1])
    assert type(frame["b"][0]) is bool


def test_read_empty():
    path = tmp_path("empty.rtbl")
    retort_convert.write_frame(pd.DataFrame({"x": pd.Series([], dtype=float),
                                             "s": pd.Series([], dtype=object)}), path)
    frame = retort_convert.frame_from_table_file(path)
    assert list(frame.columns) == ["x", "s"] and len(frame) == 0
    assert frame["x"].dtype == np.float64 and frame["s"].dtype == object
    assert isinstance(frame.index, pd.RangeIndex)


def test_read_errors():
    try:
        _retort.read_table(tmp_path("does-not-exist.rtbl"))
    except OSError as error:
        assert "does-not-exist" in str(error), str(error)
    else:
        raise AssertionError("reading a missing file succeeded")

    path = tmp_path("damaged.rtbl")
    with open(path, "wb") as out:
        out.write(b"RTRTBL01" + b"\xff" * 100)
    try:
        _retort.read_table(path)
    except ValueError as error:
        print("damaged file:", error)
    else:
        raise AssertionError("reading a damaged file succeeded")


# --- writing -----------------------------------------------------------------

def round_trip(frame, name="out.rtbl"):
    path = tmp_path(name)
    shape = retort_convert.write_frame(frame, path)
    assert shape == frame.shape, (shape, frame.shape)
    columns = {n: (kind, nulls, cells) for n, kind, nulls, cells in
               _retort_test.table_columns(path)}
    back = retort_convert.frame_from_table_file(path)
    return columns, back


def assert_kind(columns, name, kind, nulls=0):
    assert name in columns, f"no column {name!r} in {list(columns)}"
    got_kind, got_nulls, _ = columns[name]
    assert (got_kind, got_nulls) == (kind, nulls), \
        f"{name}: {got_kind} with {got_nulls} missing, expected {kind} with {nulls}"


def test_write_numeric_dtypes():
    n = 5
    frame = pd.DataFrame({
        "f16": np.array([1.5, np.nan, -2, 0, 3], dtype=np.float16),
        "f32": np.array([0.1, 2, np.nan, np.inf, -np.inf], dtype=np.float32),
        "f64": np.array([0.1, 2, np.nan, -0.0, 1e300]),
        "i8": np.arange(n, dtype=np.int8) - 2,
        "i16": np.arange(n, dtype=np.int16),
        "i32": np.arange(n, dtype=np.int32),
        "i64": np.array([np.iinfo(np.int64).min, -1, 0, 1, np.iinfo(np.int64).max]),
        "u8": np.arange(n, dtype=np.uint8) + 250,
        "u16": np.arange(n, dtype=np.uint16),
        "u32": np.array([0, 1, 2, 3, 2**32 - 1], dtype=np.uint32),
        "u64_small": np.arange(n, dtype=np.uint64),
        "u64_big": np.array([0, 1, 2, 3, 2**64 - 1], dtype=np.uint64),
        "b": np.array([True, False, True, True, False]),
    })
    columns, back = round_trip(frame)
    for name in ("f16", "f32", "f64"):
        assert_kind(columns, name, "float64", 1 if name != "f32" else 1)
    for name in ("i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64_small"):
        assert_kind(columns, name, "int64")
        np.testing.assert_array_equal(back[name].to_numpy(), frame[name].to_numpy().astype(np.int64))
        assert back[name].dtype == np.int64
    assert_kind(columns, "u64_big", "float64")
    assert back["u64_big"][4] == float(2**64 - 1)
    assert_kind(columns, "b", "bool")
    np.testing.assert_array_equal(back["f32"].to_numpy(), frame["f32"].to_numpy().astype(np.float64))
    np.testing.assert_array_equal(back["f16"].to_numpy(), frame["f16"].to_numpy().astype(np.float64))
    assert np.signbit(back["f64"][3]) and back["f64"][4] == 1e300
    assert back["b"].dtype == np.bool_ and list(back["b"]) == list(frame["b"])


def test_write_nullable_dtypes():
    frame = pd.DataFrame({
        "Int64": pd.array([1, None, -3], dtype="Int64"),
        "Int8": pd.array([None, 2, 3], dtype="Int8"),
        "UInt64": pd.array([2**64 - 1, None, 0], dtype="UInt64"),
        "Float64": pd.array([0.5, None, 2.5], dtype="Float64"),
        "boolean": pd.array([True, False, None], dtype="boolean"),
        "string": pd.array(["x", None, "ü"], dtype="string"),
    })
    columns, back = round_trip(frame)
    assert_kind(columns, "Int64", "int64", 1)
    assert columns["Int64"][2] == ["1", None, "-3"]
    assert_kind(columns, "Int8", "int64", 1)
    assert_kind(columns, "UInt64", "float64", 1)
    assert_kind(columns, "Float64", "float64", 1)
    assert_kind(columns, "boolean", "bool", 1)
    assert_kind(columns, "string", "string", 1)
    assert columns["string"][2] == ["x", None, "ü"]
    np.testing.assert_array_equal(back["Int64"].to_numpy(), [1.0, np.nan, -3.0])
    assert list(back["boolean"][:2]) == [True, False] and np.isnan(back["boolean"][2])


def test_write_datetimes():
    naive = pd.to_datetime(["2024-03-01 12:00", None, "1969-07-20 20:17:40.123456789"])
    aware = pd.to_datetime(["2024-03-01 12:00", "2024-07-01 12:00", None]).tz_localize(
        "Europe/Paris")
    frame = pd.DataFrame({"naive": naive, "aware": aware})
    columns, back = round_trip(frame)
    assert_kind(columns, "naive", "datetime", 1)
    assert_kind(columns, "aware", "datetime", 1)
    assert back["naive"].dtype == np.dtype("M8[ns]")
    pdt.assert_series_equal(back["naive"], pd.Series(naive, name="naive"))
    expected = pd.Series(aware.tz_convert("UTC").tz_localize(None), name="aware")
    pdt.assert_series_equal(back["aware"], expected)
    assert back["aware"][0] == pd.Timestamp("2024-03-01 11:00")


def test_write_text_like():
    frame = pd.DataFrame({
        "timedelta": pd.to_timedelta(["1 day", None, "01:30:00"]),
        "category": pd.Categorical(["lo", None, 3]),
        "complex": np.array([1 + 2j, 0, -1j]),
        "period": pd.period_range("2024-01", periods=3, freq="M"),
        "sparse": pd.arrays.SparseArray([0.0, np.nan, 2.5]),
    })
    columns, back = round_trip(frame)
    assert_kind(columns, "timedelta", "string", 1)
    assert columns["timedelta"][2] == ["1 days 00:00:00", None, "0 days 01:30:00"]
    assert_kind(columns, "category", "string", 1)
    assert columns["category"][2] == ["lo", None, "3"]
    assert_kind(columns, "complex", "string")
    assert columns["complex"][2] == [str(v) for v in frame["complex"]]
    assert_kind(columns, "period", "string")
    assert columns["period"][2] == ["2024-01", "2024-02", "2024-03"]
    assert_kind(columns, "sparse", "float64", 1)


def test_write_object_columns():
    frame = pd.DataFrame({
        "str": np.array(["a", None, np.nan, "ß", pd.NA], dtype=object),
        "bool": np.array([True, None, False, np.bool_(True), np.nan], dtype=object),
        "int": np.array([1, None, -2, 3, 4], dtype=object),
        "float": np.array([1.5, None, 2, 3, np.nan], dtype=object),
        "when": np.array([datetime.datetime(2024, 1, 2), None, pd.Timestamp("2024-05-06"),
                          np.datetime64("2000-01-01T00:00:00"), pd.NaT], dtype=object),
        "mixed": np.array(["a", 1, 2.5, None, (1, 2)], dtype=object),
        "empty": np.array([None] * 5, dtype=object),
        "huge": np.array([2**70, 1, None, 0, 5], dtype=object),
    })
    columns, back = round_trip(frame)
    assert_kind(columns, "str", "string", 3)
    assert columns["str"][2] == ["a", None, None, "ß", None]
    assert_kind(columns, "bool", "bool", 2)
    assert columns["bool"][2][:4] == [columns["bool"][2][0], None, columns["bool"][2][2],
                                      columns["bool"][2][0]]
    assert list(back["bool"][[0, 2, 3]]) == [True, False, True]
    assert_kind(columns, "int", "int64", 1)
    assert columns["int"][2] == ["1", None, "-2", "3", "4"]
    assert_kind(columns, "float", "float64", 2)
    np.testing.assert_array_equal(back["float"].to_numpy(), [1.5, np.nan, 2, 3, np.nan])
    assert_kind(columns, "when", "datetime", 2)
    assert back["when"][2] == pd.Timestamp("2024-05-06")
    assert back["when"][3] == pd.Timestamp("2000-01-01")
    assert_kind(columns, "mixed", "string", 1)
    assert columns["mixed"][2] == ["a", "1", "2.5", None, "(1, 2)"]
    assert_kind(columns, "empty", "string", 5)
    assert_kind(columns, "huge", "string", 1)
    assert columns["huge"][2][0] == str(2**70)


def test_write_names_and_index():
    frame = pd.DataFrame(np.arange(12, dtype=np.int64).reshape(3, 4),
                         columns=["a", 0, "a", ("x", 1)],
                         index=["r1", "r2", "r3"])
    frame["a (2)"] = 1.0
    columns, back = round_trip(frame)
    # retort_table_make_names_unique: a name already taken is skipped.
    assert list(columns) == ["a", "0", "a (3)", "('x', 1)", "a (2)"], list(columns)
    assert list(back.columns) == list(columns)
    assert isinstance(back.index, pd.RangeIndex) and list(back.index) == [0, 1, 2]
    assert list(back["0"]) == [1, 5, 9]

    triple = pd.DataFrame([[1, 2, 3]], columns=["v", "v", "v"])
    columns, _ = round_trip(triple, "triple.rtbl")
    assert list(columns) == ["v", "v (2)", "v (3)"], list(columns)


def test_write_non_contiguous():
    matrix = np.arange(40, dtype=np.float64).reshape(10, 4)
    frame = pd.DataFrame(matrix[::2, :], columns=list("abcd"))  # strided
    columns, back = round_trip(frame)
    for index, name in enumerate("abcd"):
        assert_kind(columns, name, "float64")
        np.testing.assert_array_equal(back[name].to_numpy(), matrix[::2, index])


def test_write_empty():
    columns, back = round_trip(pd.DataFrame({"x": pd.Series([], dtype=np.int64),
                                             "s": pd.Series([], dtype=object)}))
    assert_kind(columns, "x", "int64")
    assert_kind(columns, "s", "string")
    assert len(back) == 0
    columns, back = round_trip(pd.DataFrame(), "no-columns.rtbl")
    assert columns == {} and back.shape == (0, 0)


def test_round_trip_keeps_frame():
    """A frame that came in goes out and comes back the same."""
    frame = pd.DataFrame({
        "f": [0.1, np.nan, 3.0],
        "i": [1, 2, 3],
        "b": [True, False, True],
        "s": ["x", np.nan, "zü"],
        "bn": np.array([True, np.nan, False], dtype=object),
    })
    _, back = round_trip(frame)
    pdt.assert_frame_equal(back, frame, check_exact=True)
    _, again = round_trip(back, "again.rtbl")
    pdt.assert_frame_equal(again, frame, check_exact=True)


# --- errors ------------------------------------------------------------------

def expect_error(kind, words, function, *args):
    try:
        function(*args)
    except kind as error:
        text = str(error)
        print(f"{kind.__name__}: {text}")
        for word in words:
            assert word in text, f"{word!r} not in {text!r}"
    else:
        raise AssertionError(f"{function.__name__}{args!r} did not raise {kind.__name__}")


def test_write_errors():
    path = tmp_path("errors.rtbl")
    expect_error(ValueError, ["“bad”", "UTF-8", "surrogate"], retort_convert.write_frame,
                 pd.DataFrame({"ok": ["a", "b"], "bad": ["a", "\udcff"]}), path)
    expect_error(ValueError, ["column 1", "surrogate"], retort_convert.write_frame,
                 pd.DataFrame({"x\udcff": [1]}), path)
    expect_error(ValueError, ["“nul”", "NUL"], retort_convert.write_frame,
                 pd.DataFrame({"nul": ["a\x00b"]}), path)
    expect_error(ValueError, ["NUL"], retort_convert.write_frame,
                 pd.DataFrame({"a\x00b": [1]}), path)
    expect_error(TypeError, ["DataFrame", "list"], retort_convert.write_frame, [1, 2], path)
    expect_error(OSError, ["no-such-dir"], retort_convert.write_frame,
                 pd.DataFrame({"x": [1]}), tmp_path("no-such-dir/out.rtbl"))
    expect_error(ValueError, ["rows"], _retort.write_table, path, ["a", "b"],
                 [("int64", np.arange(3), None), ("int64", np.arange(4), None)])
    expect_error(ValueError, ["kind"], _retort.write_table, path, ["a"],
                 [("decimal", np.arange(3), None)])
    expect_error(TypeError, ["“a”", "expected text", "int"], _retort.write_table, path, ["a"],
                 [("string", np.array([1], dtype=object), None)])


def collect():
    cases = []
    for path in csv_files():
        cases.append(("fidelity/" + os.path.basename(path), fidelity_case(path)))
    for name, value in sorted(globals().items()):
        if name.startswith("test_") and callable(value):
            cases.append((name[5:].replace("_", "-"), value))
    return cases
