/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <Python.h>

/* The built-in module `_retort`, registered before Py_Initialize with
 * PyImport_AppendInittab ("_retort", PyInit__retort). It moves tables
 * between table files (doc/table-file-format.md) and NumPy:
 *
 *   read_table(path) -> (n_rows, [(name, ndarray), ...])
 *       numeric columns are read-only views of the mapped file;
 *   write_table(path, names, columns) -> (n_rows, n_columns)
 *       columns: [(kind, values, mask), ...], kind one of "float64",
 *       "int64", "bool", "datetime" (int64 ns, NaT = missing), "string"
 *       (object array of str, None = missing); mask: None or a bool array,
 *       True where the value is missing.
 *
 * src/runner/python/retort_convert.py turns these into DataFrames and back. */
PyMODINIT_FUNC PyInit__retort (void);
