/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The `_retort` module: tables between table files and NumPy arrays.
 *
 * Reading maps the file privately, copy-on-write (retort_table_read_file_full)
 * and hands float64, int64, bool and datetime columns without missing values
 * to NumPy as views of the mapping (float64 even with missing values: their
 * slots hold NaN). The views are writable: a page is copied only when a
 * script writes to it, and the write never reaches the file. Each view's base is a capsule owning a reference to its column, so
 * the mapping lives as long as any array does, whatever happens to the file
 * or the table. Everything else is converted the way pandas.read_csv would
 * have built it (the fidelity rule, DESIGN.md §2): int64 with missing values
 * to float64 with NaN, datetime with missing values to NaT, strings and
 * bools with missing values to object arrays with NaN.
 *
 * Writing takes columns already normalised by retort_convert.py (one of five
 * kinds, plus a missing mask) and wraps contiguous NumPy buffers in
 * RetortBuffers without copying; only strings are copied, once, into the
 * Arrow offsets + bytes layout.
 */

#define G_LOG_DOMAIN "retort-runner"
#define PY_SSIZE_T_CLEAN
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION

#include "config.h"

#include <Python.h>
#include <numpy/arrayobject.h>

#include <math.h>
#include <string.h>

#include <glib.h>

#include "retort-numpy-bridge.h"
#include "retort-column-private.h"
#include "retort-table-lib.h"

static const char column_capsule_name[] = "retort.column";

static inline gboolean
bit_is_set (const guint8 *bitmap,
            gsize         i)
{
  return (bitmap[i >> 3] >> (i & 7)) & 1;
}

static inline gsize
bitmap_size (gsize n_bits)
{
  return (n_bits + 7) / 8;
}

/* Word-at-a-time: most text in data sets is ASCII, and an ASCII str can be
 * filled with one memcpy instead of going through the UTF-8 decoder. */
static inline gboolean
is_ascii (const char *s,
          gsize       length)
{
  guint64 bits = 0;
  gsize i = 0;

  for (; i + 8 <= length; i += 8)
    {
      guint64 word;

      memcpy (&word, s + i, 8);
      bits |= word;
    }
  for (; i < length; i++)
    bits |= (guchar) s[i];

  return (bits & G_GUINT64_CONSTANT (0x8080808080808080)) == 0;
}

static void
column_capsule_destroy (PyObject *capsule)
{
  retort_column_unref (PyCapsule_GetPointer (capsule, column_capsule_name));
}

static PyArray_Descr *
datetime_descr_new (void)
{
  PyArray_Descr *descr = NULL;
  PyObject *spec = PyUnicode_FromString ("M8[ns]");

  if (spec == NULL)
    return NULL;
  if (!PyArray_DescrConverter (spec, &descr))
    descr = NULL;
  Py_DECREF (spec);

  return descr;
}

/* A read-only array over @data, which lies in @column's buffers. Takes
 * @descr's reference. */
static PyObject *
view_new (RetortColumn  *column,
          PyArray_Descr *descr,
          const void    *data,
          npy_intp       n)
{
  PyObject *array;
  PyObject *capsule;

  /* Writable: the mapping is private and copy-on-write (each run is its
   * own process), so scripts can change their inputs in place as pandas
   * users do (inplace=True, df.loc[...] = ...) and nothing else sees it. */
  array = PyArray_NewFromDescr (&PyArray_Type, descr, 1, &n, NULL, (void *) data,
                                NPY_ARRAY_C_CONTIGUOUS | NPY_ARRAY_ALIGNED | NPY_ARRAY_WRITEABLE,
                                NULL);
  if (array == NULL)
    return NULL;

  capsule = PyCapsule_New (retort_column_ref (column), column_capsule_name,
                           column_capsule_destroy);
  if (capsule == NULL)
    {
      retort_column_unref (column);
      Py_DECREF (array);
      return NULL;
    }

  /* Steals the capsule's reference, even when it fails. */
  if (PyArray_SetBaseObject ((PyArrayObject *) array, capsule) < 0)
    {
      Py_DECREF (array);
      return NULL;
    }

  return array;
}

static PyObject *
strings_to_array (RetortColumn *column,
                  npy_intp      n,
                  PyObject     *missing)
{
  const gint64 *offsets = retort_column_get_string_offsets (column);
  const char *bytes = retort_column_get_string_data (column);
  const guint8 *validity = retort_column_get_validity (column);
  PyObject *array;
  PyObject **slots;

  /* Object arrays start out zeroed (NULL), which NumPy's dealloc tolerates,
   * so an error half-way needs no cleanup of the slots. */
  array = PyArray_SimpleNew (1, &n, NPY_OBJECT);
  if (array == NULL)
    return NULL;
  slots = PyArray_DATA ((PyArrayObject *) array);

  for (npy_intp i = 0; i < n; i++)
    {
      const char *s;
      gsize length;
      PyObject *text;

      if (validity != NULL && !bit_is_set (validity, i))
        {
          Py_INCREF (missing);
          slots[i] = missing;
          continue;
        }

      s = bytes + offsets[i];
      length = offsets[i + 1] - offsets[i];
      if (is_ascii (s, length))
        {
          text = PyUnicode_New (length, 127);
          if (text != NULL)
            memcpy (PyUnicode_1BYTE_DATA (text), s, length);
        }
      else
        {
          text = PyUnicode_DecodeUTF8 (s, length, "strict");
        }
      if (text == NULL)
        {
          Py_DECREF (array);
          return NULL;
        }
      slots[i] = text;
    }

  return array;
}

static PyObject *
column_to_array (RetortColumn *column,
                 PyObject     *missing)
{
  RetortColumnType type = retort_column_get_data_type (column);
  npy_intp n = retort_column_get_length (column);
  const guint8 *validity = retort_column_get_validity (column);
  PyArray_Descr *descr;
  PyObject *array;

  if (type == RETORT_COLUMN_TYPE_STRING)
    return strings_to_array (column, n, missing);

  /* A view needs a data pointer; an empty column has nothing to share. */
  if (n == 0)
    {
      if (type == RETORT_COLUMN_TYPE_DATETIME)
        {
          descr = datetime_descr_new ();
          if (descr == NULL)
            return NULL;
          return PyArray_Zeros (1, &n, descr, 0);
        }
      return PyArray_ZEROS (1, &n,
                            type == RETORT_COLUMN_TYPE_FLOAT64 ? NPY_FLOAT64 :
                            type == RETORT_COLUMN_TYPE_INT64 ? NPY_INT64 : NPY_BOOL,
                            0);
    }

  switch (type)
    {
    case RETORT_COLUMN_TYPE_FLOAT64:
      return view_new (column, PyArray_DescrFromType (NPY_FLOAT64),
                       retort_column_get_float64_data (column), n);

    case RETORT_COLUMN_TYPE_INT64:
      {
        const gint64 *values = retort_column_get_int64_data (column);
        double *out;

        if (validity == NULL)
          return view_new (column, PyArray_DescrFromType (NPY_INT64), values, n);

        /* pandas has no missing int64: read_csv gives float64 with NaN. */
        array = PyArray_SimpleNew (1, &n, NPY_FLOAT64);
        if (array == NULL)
          return NULL;
        out = PyArray_DATA ((PyArrayObject *) array);
        for (npy_intp i = 0; i < n; i++)
          out[i] = bit_is_set (validity, i) ? (double) values[i] : NAN;
        return array;
      }

    case RETORT_COLUMN_TYPE_DATETIME:
      {
        const gint64 *values = retort_column_get_datetime_data (column);
        gint64 *out;

        descr = datetime_descr_new ();
        if (descr == NULL)
          return NULL;
        if (validity == NULL)
          return view_new (column, descr, values, n);

        array = PyArray_NewFromDescr (&PyArray_Type, descr, 1, &n, NULL, NULL, 0, NULL);
        if (array == NULL)
          return NULL;
        out = PyArray_DATA ((PyArrayObject *) array);
        for (npy_intp i = 0; i < n; i++)
          out[i] = bit_is_set (validity, i) ? values[i] : NPY_MIN_INT64;  /* NaT */
        return array;
      }

    case RETORT_COLUMN_TYPE_BOOL:
      {
        const guint8 *values = retort_column_get_bool_data (column);
        PyObject **slots;

        if (validity == NULL)
          return view_new (column, PyArray_DescrFromType (NPY_BOOL), values, n);

        /* What read_csv gives for a bool column with holes: object dtype
         * holding True, False and NaN. */
        array = PyArray_SimpleNew (1, &n, NPY_OBJECT);
        if (array == NULL)
          return NULL;
        slots = PyArray_DATA ((PyArrayObject *) array);
        for (npy_intp i = 0; i < n; i++)
          {
            PyObject *value = !bit_is_set (validity, i) ? missing :
                              values[i] ? Py_True : Py_False;

            Py_INCREF (value);
            slots[i] = value;
          }
        return array;
      }

    case RETORT_COLUMN_TYPE_STRING:
    default:
      g_assert_not_reached ();
    }
}

/* PyErr_Format takes ASCII formats only; messages here quote names with
 * typographic quotes like the rest of Retort's messages. */
static void G_GNUC_PRINTF (2, 3)
set_error (PyObject   *type,
           const char *format,
           ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  PyErr_SetString (type, message);
}

/* repr() of @object as UTF-8 (repr escapes lone surrogates). */
static char *
dup_repr (PyObject *object)
{
  PyObject *repr = PyObject_Repr (object);
  char *text = repr != NULL ? g_strdup (PyUnicode_AsUTF8 (repr)) : g_strdup ("?");

  PyErr_Clear ();
  Py_XDECREF (repr);
  return text;
}

static void
set_error_from_gerror (GError *error)
{
  PyObject *type = PyExc_ValueError;

  if (g_error_matches (error, RETORT_TABLE_ERROR, RETORT_TABLE_ERROR_IO))
    type = PyExc_OSError;
  PyErr_SetString (type, error->message);
}

static PyObject *
bridge_read_table (PyObject *self,
                   PyObject *args)
{
  PyObject *path = NULL;
  g_autoptr(RetortTable) table = NULL;
  g_autoptr(GError) error = NULL;
  PyObject *columns = NULL;
  PyObject *missing = NULL;
  guint n_columns;

  if (!PyArg_ParseTuple (args, "O&:read_table", PyUnicode_FSConverter, &path))
    return NULL;

  Py_BEGIN_ALLOW_THREADS
  table = retort_table_read_file_full (PyBytes_AS_STRING (path),
                                       RETORT_TABLE_FILE_COPY_ON_WRITE, &error);
  Py_END_ALLOW_THREADS
  Py_DECREF (path);

  if (table == NULL)
    {
      set_error_from_gerror (error);
      return NULL;
    }

  /* One NaN object for every missing cell, as read_csv does with np.nan. */
  missing = PyFloat_FromDouble (NAN);
  if (missing == NULL)
    return NULL;

  n_columns = retort_table_get_n_columns (table);
  columns = PyList_New (n_columns);
  if (columns == NULL)
    goto fail;

  for (guint i = 0; i < n_columns; i++)
    {
      const char *name = retort_table_get_column_name (table, i);
      PyObject *array = column_to_array (retort_table_get_column (table, i), missing);
      PyObject *item;

      if (array == NULL)
        goto fail;
      item = Py_BuildValue ("(s N)", name, array);
      if (item == NULL)
        goto fail;
      PyList_SET_ITEM (columns, i, item);
    }

  Py_DECREF (missing);
  return Py_BuildValue ("(n N)", (Py_ssize_t) retort_table_get_n_rows (table), columns);

fail:
  Py_XDECREF (columns);
  Py_XDECREF (missing);
  return NULL;
}


/* Writing */

typedef enum
{
  KIND_FLOAT64,
  KIND_INT64,
  KIND_BOOL,
  KIND_DATETIME,
  KIND_STRING,
} ColumnKind;

static gboolean
kind_from_string (const char *text,
                  ColumnKind *kind)
{
  static const char * const names[] = { "float64", "int64", "bool", "datetime", "string" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (text, names[i]))
      {
        *kind = i;
        return TRUE;
      }
  return FALSE;
}

/* Called when the table lets go of a buffer that wraps a NumPy array;
 * tables built here are released with the GIL held. */
static void
release_array (gpointer data)
{
  Py_DECREF ((PyObject *) data);
}

static RetortBuffer *
buffer_wrap_array (PyArrayObject *array)
{
  Py_INCREF (array);
  return retort_buffer_new_wrapped (PyArray_DATA (array), PyArray_NBYTES (array),
                                    release_array, array);
}

static RetortColumn *
strings_to_column (const char    *name,
                   PyArrayObject *array,
                   const guint8  *mask,
                   npy_intp       n)
{
  PyObject **items = PyArray_DATA (array);
  g_autoptr(RetortBuffer) offsets_buffer = retort_buffer_new ((n + 1) * sizeof (gint64));
  g_autoptr(RetortBuffer) validity = NULL;
  gint64 *offsets = retort_buffer_get_data (offsets_buffer);
  guint8 *bits = NULL;
  gsize capacity = (gsize) n * 16 + 64;
  g_autofree char *bytes = g_malloc (capacity);
  gsize position = 0;
  RetortBuffer *data;

  offsets[0] = 0;
  for (npy_intp i = 0; i < n; i++)
    {
      PyObject *item = items[i];
      const char *s;
      Py_ssize_t length;

      if ((mask != NULL && mask[i]) || item == Py_None)
        {
          if (validity == NULL)
            {
              validity = retort_buffer_new (bitmap_size (n));
              bits = retort_buffer_get_data (validity);
              memset (bits, 0xff, bitmap_size (n));
            }
          bits[i >> 3] &= ~(1u << (i & 7));
          offsets[i + 1] = position;
          continue;
        }

      if (!PyUnicode_Check (item))
        {
          set_error (PyExc_TypeError, "column “%s”, row %" G_GSSIZE_FORMAT ": expected text, found %s",
                     name, (Py_ssize_t) i, Py_TYPE (item)->tp_name);
          return NULL;
        }

      if (PyUnicode_IS_COMPACT_ASCII (item))
        {
          s = PyUnicode_DATA (item);
          length = PyUnicode_GET_LENGTH (item);
        }
      else
        {
          s = PyUnicode_AsUTF8AndSize (item, &length);
          if (s == NULL)
            {
              g_autofree char *repr = NULL;

              PyErr_Clear ();
              repr = dup_repr (item);
              set_error (PyExc_ValueError,
                         "column “%s”, row %" G_GSSIZE_FORMAT ": the text %s cannot be written "
                         "as UTF-8 (it holds a lone surrogate); decode bytes with "
                         "errors=\"replace\" or drop the character",
                         name, (Py_ssize_t) i, repr);
              return NULL;
            }
          /* The table file checks its text with g_utf8_validate_len, which
           * refuses NUL bytes, so catch them here with a useful message. */
        }
      if (memchr (s, '\0', length) != NULL)
        {
          set_error (PyExc_ValueError,
                     "column “%s”, row %" G_GSSIZE_FORMAT ": the text holds a NUL character (\\x00), "
                     "which tables cannot store; remove it, e.g. with "
                        ".str.replace(\"\\x00\", \"\")",
                        name, (Py_ssize_t) i);
          return NULL;
        }

      if (position + length > capacity)
        {
          while (position + length > capacity)
            capacity *= 2;
          bytes = g_realloc (bytes, capacity);
        }
      memcpy (bytes + position, s, length);
      position += length;
      offsets[i + 1] = position;
    }

  data = retort_buffer_new_wrapped (bytes, position, g_free, bytes);
  g_steal_pointer (&bytes);

  return _retort_column_new (RETORT_COLUMN_TYPE_STRING, n, g_steal_pointer (&validity),
                             g_steal_pointer (&offsets_buffer), data);
}

/* Fixed-width columns: missing where @mask says so, and also where a float
 * is NaN or a datetime is NaT. Without anything missing the array's buffer
 * is used as it is. */
static RetortColumn *
fixed_to_column (ColumnKind     kind,
                 PyArrayObject *array,
                 const guint8  *mask,
                 npy_intp       n)
{
  static const RetortColumnType types[] = {
    [KIND_FLOAT64] = RETORT_COLUMN_TYPE_FLOAT64,
    [KIND_INT64] = RETORT_COLUMN_TYPE_INT64,
    [KIND_BOOL] = RETORT_COLUMN_TYPE_BOOL,
    [KIND_DATETIME] = RETORT_COLUMN_TYPE_DATETIME,
  };
  const char *values = PyArray_DATA (array);
  RetortBuffer *validity = NULL;
  RetortBuffer *copy;
  guint8 *bits;
  gsize null_count = 0;

  /* Run without the GIL: for a 10-million-row column this scan is the
   * only per-value work on the way out. */
  Py_BEGIN_ALLOW_THREADS
  for (npy_intp i = 0; i < n; i++)
    {
      gboolean gone = mask != NULL && mask[i];

      if (kind == KIND_FLOAT64)
        gone |= isnan (((const double *) values)[i]);
      else if (kind == KIND_DATETIME)
        gone |= ((const gint64 *) values)[i] == NPY_MIN_INT64;
      null_count += gone;
    }
  Py_END_ALLOW_THREADS

  if (null_count == 0)
    return _retort_column_new (types[kind], n, NULL, buffer_wrap_array (array), NULL);

  validity = retort_buffer_new_zeroed (bitmap_size (n));
  bits = retort_buffer_get_data (validity);

  /* A float column whose missing values are all NaN already is valid as
   * it is; everything else gets a copy with the missing slots zeroed
   * (NaN for floats), as the column layout requires. */
  if (kind == KIND_FLOAT64 && mask == NULL)
    {
      const double *v = (const double *) values;

      for (npy_intp i = 0; i < n; i++)
        if (!isnan (v[i]))
          bits[i >> 3] |= 1u << (i & 7);
      return _retort_column_new (types[kind], n, validity, buffer_wrap_array (array), NULL);
    }

  copy = retort_buffer_new (PyArray_NBYTES (array));
  switch (kind)
    {
    case KIND_FLOAT64:
      {
        const double *v = (const double *) values;
        double *out = retort_buffer_get_data (copy);

        for (npy_intp i = 0; i < n; i++)
          {
            gboolean gone = mask[i] || isnan (v[i]);

            out[i] = gone ? NAN : v[i];
            if (!gone)
              bits[i >> 3] |= 1u << (i & 7);
          }
      }
      break;

    case KIND_INT64:
    case KIND_DATETIME:
      {
        const gint64 *v = (const gint64 *) values;
        gint64 *out = retort_buffer_get_data (copy);

        for (npy_intp i = 0; i < n; i++)
          {
            gboolean gone = (mask != NULL && mask[i]) ||
                            (kind == KIND_DATETIME && v[i] == NPY_MIN_INT64);

            out[i] = gone ? 0 : v[i];
            if (!gone)
              bits[i >> 3] |= 1u << (i & 7);
          }
      }
      break;

    case KIND_BOOL:
      {
        const guint8 *v = (const guint8 *) values;
        guint8 *out = retort_buffer_get_data (copy);

        for (npy_intp i = 0; i < n; i++)
          {
            out[i] = mask[i] ? 0 : (v[i] != 0);
            if (!mask[i])
              bits[i >> 3] |= 1u << (i & 7);
          }
      }
      break;

    case KIND_STRING:
    default:
      g_assert_not_reached ();
    }

  return _retort_column_new (types[kind], n, validity, copy, NULL);
}

static RetortColumn *
column_from_python (const char *name,
                    PyObject   *spec,
                    npy_intp   *n_rows)
{
  static const int typenums[] = {
    [KIND_FLOAT64] = NPY_FLOAT64,
    [KIND_INT64] = NPY_INT64,
    [KIND_BOOL] = NPY_BOOL,
    [KIND_DATETIME] = NPY_INT64,
    [KIND_STRING] = NPY_OBJECT,
  };
  const char *kind_name;
  PyObject *values;
  PyObject *mask_object;
  PyArrayObject *array = NULL;
  PyArrayObject *mask = NULL;
  RetortColumn *column = NULL;
  ColumnKind kind;
  npy_intp n;

  if (!PyArg_ParseTuple (spec, "sOO;a column is (kind, values, mask)",
                         &kind_name, &values, &mask_object))
    return NULL;
  if (!kind_from_string (kind_name, &kind))
    {
      set_error (PyExc_ValueError, "column “%s”: unknown kind “%s”", name, kind_name);
      return NULL;
    }

  /* Safe casts only: retort_convert.py has already chosen the dtype, so a
   * cast here would hide a bug there. Non-contiguous input is copied. */
  array = (PyArrayObject *) PyArray_FROMANY (values, typenums[kind], 1, 1, NPY_ARRAY_IN_ARRAY);
  if (array == NULL)
    goto out;
  n = PyArray_DIM (array, 0);

  if (mask_object != Py_None)
    {
      mask = (PyArrayObject *) PyArray_FROMANY (mask_object, NPY_BOOL, 1, 1, NPY_ARRAY_IN_ARRAY);
      if (mask == NULL)
        goto out;
      if (PyArray_DIM (mask, 0) != n)
        {
          set_error (PyExc_ValueError, "column “%s”: %" G_GSSIZE_FORMAT " values but a mask of %" G_GSSIZE_FORMAT,
                     name, (Py_ssize_t) n, (Py_ssize_t) PyArray_DIM (mask, 0));
          goto out;
        }
    }

  if (*n_rows >= 0 && n != *n_rows)
    {
      set_error (PyExc_ValueError, "column “%s” has %" G_GSSIZE_FORMAT " rows, the columns before it %" G_GSSIZE_FORMAT,
                 name, (Py_ssize_t) n, (Py_ssize_t) *n_rows);
      goto out;
    }
  *n_rows = n;

  if (kind == KIND_STRING)
    column = strings_to_column (name, array, mask != NULL ? PyArray_DATA (mask) : NULL, n);
  else
    column = fixed_to_column (kind, array, mask != NULL ? PyArray_DATA (mask) : NULL, n);

out:
  Py_XDECREF (array);
  Py_XDECREF (mask);
  return column;
}

static PyObject *
bridge_write_table (PyObject *self,
                    PyObject *args)
{
  PyObject *path = NULL;
  PyObject *names_object;
  PyObject *columns_object;
  PyObject *names_seq = NULL;
  PyObject *columns_seq = NULL;
  PyObject *result = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GPtrArray) columns = g_ptr_array_new_with_free_func ((GDestroyNotify) retort_column_unref);
  g_autoptr(GError) error = NULL;
  RetortTable *table = NULL;
  npy_intp n_rows = -1;
  Py_ssize_t n_columns;
  gboolean written;

  if (!PyArg_ParseTuple (args, "O&OO:write_table", PyUnicode_FSConverter, &path,
                         &names_object, &columns_object))
    return NULL;

  names_seq = PySequence_Fast (names_object, "names must be a sequence of str");
  if (names_seq == NULL)
    goto out;
  columns_seq = PySequence_Fast (columns_object, "columns must be a sequence");
  if (columns_seq == NULL)
    goto out;
  n_columns = PySequence_Fast_GET_SIZE (names_seq);
  if (PySequence_Fast_GET_SIZE (columns_seq) != n_columns)
    {
      set_error (PyExc_ValueError, "%" G_GSSIZE_FORMAT " names for %" G_GSSIZE_FORMAT " columns",
                 n_columns, PySequence_Fast_GET_SIZE (columns_seq));
      goto out;
    }

  for (Py_ssize_t i = 0; i < n_columns; i++)
    {
      PyObject *name_object = PySequence_Fast_GET_ITEM (names_seq, i);
      const char *name;
      Py_ssize_t length;
      RetortColumn *column;

      if (!PyUnicode_Check (name_object))
        {
          set_error (PyExc_TypeError, "column %" G_GSSIZE_FORMAT ": the name must be str, not %s",
                     i + 1, Py_TYPE (name_object)->tp_name);
          goto out;
        }
      name = PyUnicode_AsUTF8AndSize (name_object, &length);
      if (name == NULL || (gsize) length != strlen (name))
        {
          g_autofree char *repr = NULL;

          PyErr_Clear ();
          repr = dup_repr (name_object);
          set_error (PyExc_ValueError,
                     "column %" G_GSSIZE_FORMAT ": the name %s %s", i + 1, repr,
                     name == NULL ? "cannot be written as UTF-8 (it holds a lone surrogate)"
                                  : "holds a NUL character, which tables cannot store");
          goto out;
        }

      column = column_from_python (name, PySequence_Fast_GET_ITEM (columns_seq, i), &n_rows);
      if (column == NULL)
        goto out;
      g_ptr_array_add (names, (gpointer) name);
      g_ptr_array_add (columns, column);
    }

  /* Makes the names unique (" (2)", " (3)"...). */
  table = retort_table_new (n_columns, (const char * const *) names->pdata,
                            (RetortColumn * const *) columns->pdata, &error);
  if (table == NULL)
    {
      set_error_from_gerror (error);
      goto out;
    }

  /* The table's buffers keep their arrays alive, so other threads may run
   * while the bytes go to disk. */
  Py_BEGIN_ALLOW_THREADS
  written = retort_table_write_file (table, PyBytes_AS_STRING (path), &error);
  Py_END_ALLOW_THREADS
  if (!written)
    {
      set_error_from_gerror (error);
      goto out;
    }

  result = Py_BuildValue ("(nn)", (Py_ssize_t) retort_table_get_n_rows (table), n_columns);

out:
  /* Releases wrapped arrays, so only with the GIL held. */
  g_clear_pointer (&table, retort_table_unref);
  g_clear_pointer (&columns, g_ptr_array_unref);
  Py_XDECREF (names_seq);
  Py_XDECREF (columns_seq);
  Py_XDECREF (path);
  return result;
}

static PyMethodDef bridge_methods[] = {
  { "read_table", bridge_read_table, METH_VARARGS,
    "read_table(path) -> (n_rows, [(name, ndarray), ...])\n\n"
    "Maps a table file; numeric columns are read-only views of the mapping." },
  { "write_table", bridge_write_table, METH_VARARGS,
    "write_table(path, names, columns) -> (n_rows, n_columns)\n\n"
    "columns: [(kind, values, mask)], kind in float64, int64, bool, datetime, string;\n"
    "mask: None or a bool array, True where missing. Names are made unique." },
  { NULL, NULL, 0, NULL },
};

static struct PyModuleDef bridge_module = {
  PyModuleDef_HEAD_INIT,
  .m_name = "_retort",
  .m_doc = "Retort tables to and from NumPy arrays (see retort_convert).",
  .m_size = -1,
  .m_methods = bridge_methods,
};

PyMODINIT_FUNC
PyInit__retort (void)
{
  import_array ();

  return PyModule_Create (&bridge_module);
}
