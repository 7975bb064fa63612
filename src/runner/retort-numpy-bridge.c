/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The `_retort` module: tables between table files or descriptors
 * (doc/runner-protocol.md) and NumPy arrays.
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
 * Arrow offsets + bytes layout. Sending a result as descriptors copies
 * every buffer once into a sealed memfd, except the columns that are still
 * untouched views of an input: those refer to the client's descriptor.
 */

#define G_LOG_DOMAIN "retort-runner"
#define PY_SSIZE_T_CLEAN
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION

#include "config.h"

#include <Python.h>
#include <numpy/arrayobject.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <glib.h>

#include "retort-numpy-bridge.h"
#include "retort-buffer-private.h"
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

static PyObject *table_to_python (RetortTable *table);

static PyObject *
bridge_read_table (PyObject *self,
                   PyObject *args)
{
  PyObject *path = NULL;
  g_autoptr(RetortTable) table = NULL;
  g_autoptr(GError) error = NULL;

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

  return table_to_python (table);
}

static PyObject *
table_to_python (RetortTable *table)
{
  PyObject *columns = NULL;
  PyObject *missing = NULL;
  guint n_columns;

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

/* Where the run's inputs lie in this process: a result column that is still
 * an unmodified view of one goes back as a reference to the client's own
 * descriptor instead of a copy. */
typedef struct
{
  const guint8 *start;
  gsize         size;
  guint         fd_index;    /* among the run's input descriptors */
  guint64       fd_offset;
  RetortColumn *column;      /* whose values these are; NULL for a validity bitmap */
} InputRegion;

static GArray *input_regions;

/* Whether no page of [start, start + size) was written since it was mapped
 * from its file: in a private mapping a written page is anonymous (the
 * kernel's copy), an unwritten one is the file's or not there yet. Any
 * doubt (no /proc) says "written". */
static gboolean
pages_unmodified (const void *start,
                  gsize       size)
{
  static int pagemap = -2;
  guint64 entries[512];
  gsize page_size = (gsize) sysconf (_SC_PAGESIZE);
  guintptr first = (guintptr) start / page_size;
  guintptr last = ((guintptr) start + size - 1) / page_size;

  if (pagemap == -2)
    pagemap = open ("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
  if (pagemap < 0)
    return FALSE;

  for (guintptr page = first; page <= last;)
    {
      gsize n = MIN (G_N_ELEMENTS (entries), last - page + 1);

      if (pread (pagemap, entries, n * sizeof (guint64), (off_t) (page * sizeof (guint64)))
          != (ssize_t) (n * sizeof (guint64)))
        return FALSE;
      for (gsize i = 0; i < n; i++)
        {
          gboolean present = (entries[i] >> 63) & 1;
          gboolean swapped = (entries[i] >> 62) & 1;
          gboolean file = (entries[i] >> 61) & 1;

          if (swapped || (present && !file))
            return FALSE;
        }
      page += n;
    }

  return TRUE;
}

/* The input region @buffer's bytes lie in untouched, or NULL. */
static const InputRegion *
find_unmodified_input (RetortBuffer *buffer)
{
  const guint8 *data = retort_buffer_get_data (buffer);
  gsize size = retort_buffer_get_size (buffer);

  if (input_regions == NULL || size == 0)
    return NULL;
  for (guint i = 0; i < input_regions->len; i++)
    {
      const InputRegion *region = &g_array_index (input_regions, InputRegion, i);

      if (data >= region->start && size <= region->size &&
          (gsize) (data - region->start) <= region->size - size)
        return pages_unmodified (data, size) ? region : NULL;
    }
  return NULL;
}

/* The input column whose values @array still is, untouched: then its
 * missing values are that column's, and nothing needs to be scanned. */
static RetortColumn *
find_unmodified_column (PyArrayObject    *array,
                        RetortColumnType  type)
{
  const guint8 *data = PyArray_DATA (array);
  gsize size = PyArray_NBYTES (array);

  if (input_regions == NULL || size == 0)
    return NULL;
  for (guint i = 0; i < input_regions->len; i++)
    {
      const InputRegion *region = &g_array_index (input_regions, InputRegion, i);

      if (region->column != NULL && region->start == data && region->size == size &&
          retort_column_get_data_type (region->column) == type)
        return pages_unmodified (data, size) ? region->column : NULL;
    }
  return NULL;
}

/* The common case of the scan, without a branch per value: four counters
 * keep the loop at memory speed. */
static gsize
count_nan (const double *values,
           npy_intp      n)
{
  gsize counts[4] = { 0, 0, 0, 0 };
  npy_intp i = 0;

  for (; i + 4 <= n; i += 4)
    {
      counts[0] += values[i] != values[i];
      counts[1] += values[i + 1] != values[i + 1];
      counts[2] += values[i + 2] != values[i + 2];
      counts[3] += values[i + 3] != values[i + 3];
    }
  for (; i < n; i++)
    counts[0] += values[i] != values[i];

  return counts[0] + counts[1] + counts[2] + counts[3];
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
  RetortColumn *input;
  RetortBuffer *copy;
  guint8 *bits;
  gsize null_count = 0;

  /* An input column handed back as it came (the identity script, a column
   * passed through): its values and missing values are known. */
  input = mask == NULL ? find_unmodified_column (array, types[kind]) : NULL;
  if (input != NULL)
    {
      validity = retort_column_get_validity_buffer (input);
      return _retort_column_new (types[kind], n, validity != NULL ? retort_buffer_ref (validity) : NULL,
                                 buffer_wrap_array (array), NULL);
    }

  /* Run without the GIL: for a 10-million-row column this scan is the
   * only per-value work on the way out. */
  Py_BEGIN_ALLOW_THREADS
  if (mask == NULL && kind == KIND_FLOAT64)
    null_count = count_nan ((const double *) values, n);
  else
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

/* The table of a script's result, its buffers wrapping the arrays where
 * they can. Releasing it releases arrays, so only with the GIL held. */
static RetortTable *
table_from_python (PyObject *names_object,
                   PyObject *columns_object)
{
  PyObject *names_seq = NULL;
  PyObject *columns_seq = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GPtrArray) columns = g_ptr_array_new_with_free_func ((GDestroyNotify) retort_column_unref);
  g_autoptr(GError) error = NULL;
  RetortTable *table = NULL;
  npy_intp n_rows = -1;
  Py_ssize_t n_columns;

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
    set_error_from_gerror (error);

out:
  /* Releases wrapped arrays, so only with the GIL held. */
  g_clear_pointer (&columns, g_ptr_array_unref);
  Py_XDECREF (names_seq);
  Py_XDECREF (columns_seq);
  return table;
}

static PyObject *
bridge_write_table (PyObject *self,
                    PyObject *args)
{
  PyObject *path = NULL;
  PyObject *names_object;
  PyObject *columns_object;
  PyObject *result = NULL;
  g_autoptr(GError) error = NULL;
  RetortTable *table;
  gboolean written;

  if (!PyArg_ParseTuple (args, "O&OO:write_table", PyUnicode_FSConverter, &path,
                         &names_object, &columns_object))
    return NULL;

  table = table_from_python (names_object, columns_object);
  if (table == NULL)
    goto out;

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

  result = Py_BuildValue ("(nn)", (Py_ssize_t) retort_table_get_n_rows (table),
                          (Py_ssize_t) retort_table_get_n_columns (table));

out:
  g_clear_pointer (&table, retort_table_unref);
  Py_XDECREF (path);
  return result;
}


/* Descriptors (doc/runner-protocol.md, "Descriptors") */

static gboolean
region_from_python (PyObject          *object,
                    guint             *fd_index,
                    RetortTableRegion *region)
{
  PyObject *fd, *offset, *size;

  if (!PyDict_Check (object) ||
      (fd = PyDict_GetItemString (object, "fd")) == NULL ||
      (offset = PyDict_GetItemString (object, "offset")) == NULL ||
      (size = PyDict_GetItemString (object, "size")) == NULL)
    {
      PyErr_SetString (PyExc_ValueError, "a region is {\"fd\", \"offset\", \"size\"}");
      return FALSE;
    }
  *fd_index = (guint) PyLong_AsUnsignedLong (fd);
  region->offset = PyLong_AsUnsignedLongLong (offset);
  region->size = PyLong_AsUnsignedLongLong (size);
  return !PyErr_Occurred ();
}

/* @global is an index among the run's descriptors; the region gets one
 * among @used, the descriptors this table maps. */
static void
use_fd (GArray            *used,
        guint              global,
        RetortTableRegion *region)
{
  for (guint i = 0; i < used->len; i++)
    if (g_array_index (used, guint, i) == global)
      {
        region->fd_index = i;
        return;
      }
  g_array_append_val (used, global);
  region->fd_index = used->len - 1;
}

static PyObject *
bridge_map_table (PyObject *self,
                  PyObject *args)
{
  PyObject *descriptor, *fd_numbers, *columns, *rows;
  g_autofree RetortTableColumnRegions *regions = NULL;
  g_autoptr(GArray) used = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree int *fds = NULL;
  g_autoptr(RetortTable) table = NULL;
  g_autoptr(GError) error = NULL;
  Py_ssize_t n_columns, n_fds;
  guint64 n_rows;

  if (!PyArg_ParseTuple (args, "O!O!:map_table", &PyDict_Type, &descriptor,
                         &PyList_Type, &fd_numbers))
    return NULL;

  rows = PyDict_GetItemString (descriptor, "rows");
  columns = PyDict_GetItemString (descriptor, "columns");
  if (rows == NULL || columns == NULL || !PyList_Check (columns))
    {
      PyErr_SetString (PyExc_ValueError, "a table descriptor has \"rows\" and \"columns\"");
      return NULL;
    }
  n_rows = PyLong_AsUnsignedLongLong (rows);
  if (PyErr_Occurred ())
    return NULL;
  n_fds = PyList_GET_SIZE (fd_numbers);
  n_columns = PyList_GET_SIZE (columns);
  regions = g_new0 (RetortTableColumnRegions, MAX (n_columns, 1));

  for (Py_ssize_t i = 0; i < n_columns; i++)
    {
      PyObject *column = PyList_GET_ITEM (columns, i);
      PyObject *name, *type, *validity, *values, *data;
      RetortTableColumnRegions *region = &regions[i];
      const char *type_name;
      guint fd_index;

      if (!PyDict_Check (column) ||
          (name = PyDict_GetItemString (column, "name")) == NULL || !PyUnicode_Check (name) ||
          (type = PyDict_GetItemString (column, "type")) == NULL || !PyUnicode_Check (type) ||
          (values = PyDict_GetItemString (column, "values")) == NULL)
        {
          PyErr_SetString (PyExc_ValueError, "a column descriptor has a name, a type and values");
          return NULL;
        }
      type_name = PyUnicode_AsUTF8 (type);
      if (type_name == NULL || !retort_column_type_from_string (type_name, &region->type))
        {
          PyErr_SetString (PyExc_ValueError, "unknown column type");
          return NULL;
        }
      g_ptr_array_add (names, g_strdup (PyUnicode_AsUTF8 (name)));
      region->name = g_ptr_array_index (names, names->len - 1);
      if (region->name == NULL)
        return NULL;

      validity = PyDict_GetItemString (column, "validity");
      data = PyDict_GetItemString (column, "data");
      if (!region_from_python (values, &fd_index, &region->values))
        return NULL;
      if (fd_index >= (guint) n_fds)
        goto bad_index;
      use_fd (used, fd_index, &region->values);
      if (validity != NULL && validity != Py_None)
        {
          if (!region_from_python (validity, &fd_index, &region->validity))
            return NULL;
          if (fd_index >= (guint) n_fds)
            goto bad_index;
          use_fd (used, fd_index, &region->validity);
          region->has_validity = TRUE;
        }
      if (data != NULL && data != Py_None)
        {
          if (!region_from_python (data, &fd_index, &region->data))
            return NULL;
          if (fd_index >= (guint) n_fds)
            goto bad_index;
          use_fd (used, fd_index, &region->data);
        }
    }

  /* Duplicates: the table takes its descriptors, and another input may
   * share some. */
  fds = g_new (int, MAX (used->len, 1));
  for (guint i = 0; i < used->len; i++)
    {
      PyObject *number = PyList_GET_ITEM (fd_numbers, g_array_index (used, guint, i));
      long fd = PyLong_AsLong (number);

      fds[i] = PyErr_Occurred () ? -1 : fcntl ((int) fd, F_DUPFD_CLOEXEC, 3);
      if (fds[i] < 0)
        {
          for (guint j = 0; j < i; j++)
            close (fds[j]);
          if (!PyErr_Occurred ())
            PyErr_SetFromErrno (PyExc_OSError);
          return NULL;
        }
    }

  Py_BEGIN_ALLOW_THREADS
  table = retort_table_map_regions (n_rows, (guint) n_columns, regions, fds, used->len,
                                    RETORT_TABLE_FILE_COPY_ON_WRITE, &error);
  Py_END_ALLOW_THREADS
  if (table == NULL)
    {
      set_error_from_gerror (error);
      return NULL;
    }

  if (input_regions == NULL)
    input_regions = g_array_new (FALSE, FALSE, sizeof (InputRegion));
  for (Py_ssize_t i = 0; i < n_columns; i++)
    {
      RetortColumn *column = retort_table_get_column (table, i);
      RetortBuffer *values = retort_column_get_values_buffer (column);
      RetortBuffer *validity = retort_column_get_validity_buffer (column);
      InputRegion region = {
        retort_buffer_get_data (values), retort_buffer_get_size (values),
        g_array_index (used, guint, regions[i].values.fd_index), regions[i].values.offset,
        retort_column_ref (column),
      };

      if (regions[i].type == RETORT_COLUMN_TYPE_STRING || region.size == 0)
        {
          retort_column_unref (column);
          continue;
        }
      g_array_append_val (input_regions, region);
      /* Only while the bitmap is the mapped one (not one dropped as all set). */
      if (validity != NULL && regions[i].has_validity &&
          retort_buffer_get_size (validity) == regions[i].validity.size)
        {
          InputRegion bitmap = {
            retort_buffer_get_data (validity), retort_buffer_get_size (validity),
            g_array_index (used, guint, regions[i].validity.fd_index), regions[i].validity.offset,
            NULL,
          };

          g_array_append_val (input_regions, bitmap);
        }
    }

  return table_to_python (table);

bad_index:
  PyErr_SetString (PyExc_ValueError, "a region names a descriptor that was not sent");
  return NULL;
}

typedef struct
{
  RetortBuffer *buffer;
  guint64       offset;     /* in the result's memfd */
  gsize         size;
} Copy;

static PyObject *
region_to_python (const char *fd_key,
                  guint       fd_index,
                  guint64     offset,
                  guint64     size)
{
  return Py_BuildValue ("{s:I, s:K, s:K}", fd_key, fd_index, "offset", (unsigned long long) offset,
                        "size", (unsigned long long) size);
}

/* One buffer of the result: a reference to an input when it is one,
 * untouched; otherwise a place in the memfd, where it will be copied. */
static PyObject *
place_buffer (RetortBuffer *buffer,
              gsize         size,
              gboolean      may_reference,
              GArray       *copies,
              guint64      *end)
{
  const InputRegion *input = may_reference ? find_unmodified_input (buffer) : NULL;
  Copy copy = { buffer, (*end + 63) & ~(guint64) 63, size };

  if (input != NULL)
    return region_to_python ("input_fd", input->fd_index,
                             input->fd_offset + (guint64) ((const guint8 *) retort_buffer_get_data (buffer) - input->start),
                             size);

  g_array_append_val (copies, copy);
  *end = copy.offset + size;
  return region_to_python ("fd", 0, copy.offset, size);
}

static gboolean
copy_to_memfd (GArray  *copies,
               guint64  size,
               int     *out_fd)
{
  int fd = memfd_create ("retort-result", MFD_CLOEXEC | MFD_ALLOW_SEALING);

  if (fd < 0)
    return FALSE;
  if (ftruncate (fd, (off_t) size) != 0)
    {
      close (fd);
      return FALSE;
    }

  /* write(2) rather than a mapping: the kernel allocates each page and
   * fills it in one go, where a mapping pays a fault (or a populate) per
   * page on top (half the time for 320 MB). The gaps stay holes: zeros. */
  for (guint i = 0; i < copies->len; i++)
    {
      Copy *copy = &g_array_index (copies, Copy, i);
      const char *data = retort_buffer_get_data (copy->buffer);
      gsize done = 0;

      while (done < copy->size)
        {
          ssize_t n = pwrite (fd, data + done, copy->size - done, (off_t) (copy->offset + done));

          if (n < 0 && errno == EINTR)
            continue;
          if (n <= 0)
            {
              close (fd);
              return FALSE;
            }
          done += (gsize) n;
        }
    }

  /* Sealed: whatever the script left running cannot change the table after
   * the client has checked it. */
  if (fcntl (fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0)
    {
      close (fd);
      return FALSE;
    }

  *out_fd = fd;
  return TRUE;
}

static PyObject *
bridge_send_table (PyObject *self,
                   PyObject *args)
{
  int fd_socket;
  PyObject *names_object, *columns_object;
  PyObject *columns_list = NULL;
  PyObject *result = NULL;
  g_autoptr(GArray) copies = g_array_new (FALSE, FALSE, sizeof (Copy));
  g_autoptr(GError) error = NULL;
  RetortTable *table;
  guint64 end = 0;
  gsize n_rows;
  guint n_columns;
  int fd = -1;
  gboolean ok;

  if (!PyArg_ParseTuple (args, "iOO:send_table", &fd_socket, &names_object, &columns_object))
    return NULL;

  table = table_from_python (names_object, columns_object);
  if (table == NULL)
    return NULL;
  n_rows = retort_table_get_n_rows (table);
  n_columns = retort_table_get_n_columns (table);

  columns_list = PyList_New (n_columns);
  if (columns_list == NULL)
    goto out;
  for (guint i = 0; i < n_columns; i++)
    {
      RetortColumn *column = retort_table_get_column (table, i);
      RetortColumnType type = retort_column_get_data_type (column);
      RetortBuffer *validity = retort_column_get_validity_buffer (column);
      RetortBuffer *values = retort_column_get_values_buffer (column);
      gsize values_size = type == RETORT_COLUMN_TYPE_STRING
        ? (n_rows + 1) * sizeof (gint64) : n_rows * _retort_column_type_width (type);
      PyObject *item;

      item = Py_BuildValue ("{s:s, s:s, s:n, s:N, s:N, s:N}",
                            "name", retort_table_get_column_name (table, i),
                            "type", retort_column_type_to_string (type),
                            "null_count", (Py_ssize_t) retort_column_get_null_count (column),
                            "validity", validity != NULL
                              ? place_buffer (validity, (n_rows + 7) / 8, TRUE, copies, &end)
                              : Py_NewRef (Py_None),
                            "values", place_buffer (values, values_size,
                                                    type != RETORT_COLUMN_TYPE_STRING, copies, &end),
                            "data", type == RETORT_COLUMN_TYPE_STRING
                              ? place_buffer (retort_column_get_data_buffer (column),
                                              (gsize) retort_column_get_string_offsets (column)[n_rows],
                                              FALSE, copies, &end)
                              : Py_NewRef (Py_None));
      if (item == NULL)
        goto out;
      PyList_SET_ITEM (columns_list, i, item);
    }

  /* The copies without the GIL: the buffers hold their arrays. */
  Py_BEGIN_ALLOW_THREADS
  ok = end == 0 || (copy_to_memfd (copies, end, &fd) && retort_fd_send (fd_socket, &fd, 1, &error));
  Py_END_ALLOW_THREADS
  if (fd >= 0)
    close (fd);
  if (!ok)
    {
      if (error != NULL)
        PyErr_SetString (PyExc_OSError, error->message);
      else
        PyErr_SetFromErrno (PyExc_OSError);
      goto out;
    }

  result = Py_BuildValue ("{s:n, s:O, s:i}", "rows", (Py_ssize_t) n_rows,
                          "columns", columns_list, "fds", end > 0 ? 1 : 0);

out:
  Py_XDECREF (columns_list);
  retort_table_unref (table);
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
  { "map_table", bridge_map_table, METH_VARARGS,
    "map_table(descriptor, fds) -> (n_rows, [(name, ndarray), ...])\n\n"
    "Maps a table descriptor's regions (copy-on-write) from the run's input\n"
    "descriptors @fds; numeric columns are views of the mappings." },
  { "send_table", bridge_send_table, METH_VARARGS,
    "send_table(socket, names, columns) -> descriptor\n\n"
    "Like write_table, into a sealed memfd sent on @socket; columns that are\n"
    "untouched views of an input refer to it instead of being copied." },
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
