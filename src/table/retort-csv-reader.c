/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-csv-reader"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "retort-bitmap-private.h"
#include "retort-buffer-private.h"
#include "retort-column-private.h"
#include "retort-csv.h"
#include "retort-float-private.h"

/*
 * The reader works on the whole file mapped in memory. The body is cut into
 * one chunk per thread at line ends; each chunk is parsed on its own,
 * speculatively assuming it starts at a record boundary outside quotes, and
 * checked afterwards against where the previous chunk really ended (a quoted
 * field with a line break can straddle a cut; such a chunk is parsed again
 * from the right place).
 *
 * Each chunk infers the type of each column as it goes, the way
 * pandas.read_csv does for a whole column: int64, then float64, then bool,
 * else string; fields equal to one of pandas' NA tokens are missing. Numbers
 * and booleans are stored in 8-byte slots so an int64 column that meets a
 * float becomes float64 in place. A column that turns out to be text is
 * filled by parsing its chunk again for that column only: numbers as pandas
 * gives them to scripts keep their original spelling as text.
 */

#define MIN_PARALLEL_BYTES ((gsize) 4 << 20)
/* Processed parts of a mapped file are dropped from memory every this many bytes. */
#define RELEASE_STEP ((gsize) 8 << 20)
#define SNIFF_BYTES ((gsize) 64 << 10)
#define SNIFF_LINES 20

typedef enum
{
  KIND_UNKNOWN,   /* only missing values so far */
  KIND_INT,
  KIND_FLOAT,
  KIND_BOOL,
  KIND_STRING,
} Kind;

/* The first value of a column that was not an int64, as pandas meets it. */
typedef enum
{
  FAILURE_NONE,
  FAILURE_INVALID,
  FAILURE_OVERFLOW,
} Failure;

typedef struct
{
  Kind          kind;
  Failure       first_failure;
  RetortBuffer *slots;       /* 8 bytes per row: gint64, double or 0/1 */
  RetortBuffer *validity;    /* created at the first missing value */
  gsize         capacity;    /* rows */
  /* KIND_STRING */
  RetortBuffer *offsets;     /* gint64, capacity + 1 */
  RetortBuffer *data;
  gsize         data_length;
} ChunkColumn;

typedef struct _Parser Parser;

typedef struct
{
  Parser      *parser;
  guint        n_columns;
  const char  *start;        /* where parsing starts (a record boundary) */
  const char  *end;          /* parsing stops at the first record boundary at or after this */
  const char  *actual_end;   /* where it stopped */
  gsize        n_rows;
  ChunkColumn *columns;
  GByteArray  *scratch;      /* unescaped quoted fields */
  const char  *released;     /* mapped bytes before this were handed back to the kernel */
  /* The first error met, with where it is. */
  int          error_code;
  const char  *error_position;
  guint        error_column;
  char        *error_message;
} Chunk;

struct _Parser
{
  const char             *display_name;
  const char             *data;       /* after the BOM */
  const char             *data_end;
  const char             *file_start; /* for line numbers */
  gboolean                mapped;
  char                    delimiter;
  gboolean                has_header;
  gsize                   max_field_size;
  guint                   n_columns;
  GPtrArray              *names;
  guint8                  special[256];  /* delimiter, CR, LF */
};

typedef struct
{
  const char *start;
  gsize       length;
  gboolean    quoted;
} Field;

void
retort_csv_options_init (RetortCsvOptions *options)
{
  g_return_if_fail (options != NULL);

  options->delimiter = 0;
  options->has_header = TRUE;
  options->n_threads = 0;
  options->max_field_size = RETORT_CSV_DEFAULT_MAX_FIELD_SIZE;
}

/* Errors -------------------------------------------------------------------- */

static void
chunk_fail (Chunk       *chunk,
            int          code,
            const char  *position,
            guint        column,
            const char  *format,
            ...) G_GNUC_PRINTF (5, 6);

static void
chunk_fail (Chunk       *chunk,
            int          code,
            const char  *position,
            guint        column,
            const char  *format,
            ...)
{
  va_list args;

  if (chunk->error_message != NULL)
    return;

  va_start (args, format);
  chunk->error_code = code;
  chunk->error_position = position;
  chunk->error_column = column;
  chunk->error_message = g_strdup_vprintf (format, args);
  va_end (args);
}

/* The 1-based line of @position, counting LF, CRLF and lone CR as line ends. */
static gsize
line_of (Parser     *parser,
         const char *position)
{
  gsize line = 1;

  for (const char *p = parser->file_start; p < position; p++)
    {
      if (*p == '\n')
        line++;
      else if (*p == '\r' && (p + 1 >= position || p[1] != '\n'))
        line++;
    }

  return line;
}

static void
set_chunk_error (Parser  *parser,
                 Chunk   *chunk,
                 GError **error)
{
  g_set_error (error, RETORT_TABLE_ERROR, chunk->error_code,
               "%s, line %" G_GSIZE_FORMAT ", column %u: %s",
               parser->display_name, line_of (parser, chunk->error_position),
               chunk->error_column, chunk->error_message);
}

/* Fields --------------------------------------------------------------------- */

static gboolean
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* pandas' default na_values (pandas._libs.parsers.STR_NA_VALUES), by length
 * so that each test is a fixed-size comparison. */
#define IS(token) (memcmp (s, token, sizeof token - 1) == 0)

static inline gboolean
is_na (const char *s,
       gsize       n)
{
  switch (n)
    {
    case 0:
      return TRUE;
    case 2:
      return IS ("NA");
    case 3:
      return IS ("NaN") || IS ("nan") || IS ("N/A") || IS ("n/a") || IS ("#NA");
    case 4:
      return IS ("NULL") || IS ("null") || IS ("-NaN") || IS ("-nan") || IS ("#N/A") ||
             IS ("<NA>");
    case 6:
      return IS ("1.#IND");
    case 7:
      return IS ("-1.#IND") || IS ("1.#QNAN");
    case 8:
      return IS ("#N/A N/A") || IS ("-1.#QNAN");
    default:
      return FALSE;
    }
}

#undef IS

typedef enum
{
  INT_OK,
  INT_INVALID,
  INT_OVERFLOW,
} IntParse;

/* pandas' str_to_int64: surrounding whitespace, an optional sign, digits.
 * Overflow is told apart: it sends pandas down another path. */
static inline IntParse
parse_int (const char *s,
           gsize       n,
           gint64     *value)
{
  const char *p = s;
  const char *end = s + n;
  gboolean negative = FALSE;
  guint64 magnitude = 0;
  guint64 limit;

  while (p < end && is_space (*p))
    p++;
  if (p < end && (*p == '-' || *p == '+'))
    negative = *p++ == '-';
  if (p >= end || (guint) (*p - '0') > 9)
    return INT_INVALID;

  limit = negative ? (guint64) G_MAXINT64 + 1 : (guint64) G_MAXINT64;
  for (; p < end && (guint) (*p - '0') <= 9; p++)
    {
      guint digit = (guint) (*p - '0');

      if (magnitude > (limit - digit) / 10)
        return INT_OVERFLOW;
      magnitude = magnitude * 10 + digit;
    }

  while (p < end && is_space (*p))
    p++;
  if (p != end)
    return INT_INVALID;

  *value = negative ? (gint64) (0 - magnitude) : (gint64) magnitude;
  return INT_OK;
}

static gboolean
equal_ignoring_case (const char *s,
                     gsize       n,
                     const char *word)
{
  return strlen (word) == n && g_ascii_strncasecmp (s, word, n) == 0;
}

/* Most numbers in data files are short decimals: at most 19 digits and a
 * small power of ten, written out or as an exponent. For those, Clinger's fast path is exact: the digits
 * as an integer (<= 2^53) and 10^|e| (e <= 22) are both exact doubles, so one
 * IEEE multiplication or division rounds correctly. Anything else goes to
 * fast_float. Returns FALSE when it can't decide. */
static inline gboolean
parse_simple_decimal (const char *p,
                      const char *end,
                      double     *value)
{
  static const double powers[] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
  };
  gboolean negative = FALSE;
  guint64 mantissa = 0;
  int n_digits = 0;
  int exponent = 0;
  double result;

  if (p < end && *p == '-')
    {
      negative = TRUE;
      p++;
    }
  for (; p < end && (guint) (*p - '0') <= 9; p++, n_digits++)
    mantissa = mantissa * 10 + (guint) (*p - '0');
  if (p < end && *p == '.')
    for (p++; p < end && (guint) (*p - '0') <= 9; p++, n_digits++, exponent--)
      mantissa = mantissa * 10 + (guint) (*p - '0');

  if (p < end && (*p == 'e' || *p == 'E') && n_digits > 0)
    {
      gboolean negative_exponent = FALSE;
      int written = 0;
      const char *exponent_start;

      p++;
      if (p < end && (*p == '-' || *p == '+'))
        negative_exponent = *p++ == '-';
      exponent_start = p;
      for (; p < end && (guint) (*p - '0') <= 9 && p - exponent_start < 4; p++)
        written = written * 10 + (*p - '0');
      if (p == exponent_start)
        return FALSE;
      exponent += negative_exponent ? -written : written;
    }

  /* Long or empty mantissas, large powers: the general parser decides. */
  if (p != end || n_digits == 0 || n_digits > 19 || mantissa > (G_GUINT64_CONSTANT (1) << 53) ||
      exponent < -22 || exponent > 22)
    return FALSE;

  result = exponent < 0 ? (double) mantissa / powers[-exponent]
                        : (double) mantissa * powers[exponent];
  *value = negative ? -result : result;
  return TRUE;
}

/* What pandas.read_csv(float_precision="round_trip") takes for a float:
 * Python's float syntax with surrounding whitespace allowed, plus "inf",
 * "+inf", "-inf", "Infinity" in any case. Positive overflow ("1e999") is not
 * a float for pandas (its parser reports HUGE_VAL as an error), negative is. */
static inline gboolean
parse_float (const char *s,
             gsize       n,
             double     *value)
{
  const char *p = s;
  const char *end = s + n;

  while (p < end && is_space (*p))
    p++;
  while (end > p && is_space (end[-1]))
    end--;

  {
    const char *number = p < end && *p == '+' ? p + 1 : p;
    const char *digits = number < end && *number == '-' && number == p ? number + 1 : number;

    if (digits < end && ((guint) (*digits - '0') <= 9 || *digits == '.'))
      {
        if (parse_simple_decimal (number, end, value))
          return TRUE;
        if (!_retort_parse_double (number, end, value))
          return FALSE;
        return !(isinf (*value) && *value > 0);
      }
  }

  if (equal_ignoring_case (s, n, "inf") || equal_ignoring_case (s, n, "+inf") ||
      equal_ignoring_case (s, n, "infinity") || equal_ignoring_case (s, n, "+infinity"))
    {
      *value = INFINITY;
      return TRUE;
    }
  if (equal_ignoring_case (s, n, "-inf") || equal_ignoring_case (s, n, "-infinity"))
    {
      *value = -INFINITY;
      return TRUE;
    }

  return FALSE;
}

/* pandas' true and false words, in any case (its to_boolean()). */
static inline gboolean
parse_bool (const char *s,
            gsize       n,
            gboolean   *value)
{
  if (n == 4 && g_ascii_strncasecmp (s, "true", 4) == 0)
    {
      *value = TRUE;
      return TRUE;
    }
  if (n == 5 && g_ascii_strncasecmp (s, "false", 5) == 0)
    {
      *value = FALSE;
      return TRUE;
    }

  return FALSE;
}

static gboolean
is_ascii (const char *s,
          gsize       n)
{
  gsize i = 0;

  for (; i + 8 <= n; i += 8)
    {
      guint64 word;

      memcpy (&word, s + i, 8);
      if (word & G_GUINT64_CONSTANT (0x8080808080808080))
        return FALSE;
    }
  for (; i < n; i++)
    if ((guchar) s[i] & 0x80)
      return FALSE;

  return TRUE;
}

/* Checks text for a string column; NUL bytes are reported on their own. */
static gboolean
check_text (Chunk      *chunk,
            const char *position,
            guint       column,
            const char *s,
            gsize       n)
{
  if (G_LIKELY (is_ascii (s, n) && memchr (s, '\0', n) == NULL))
    return TRUE;

  if (memchr (s, '\0', n) != NULL)
    {
      chunk_fail (chunk, RETORT_TABLE_ERROR_ENCODING, position, column,
                  "the field contains a NUL byte; this looks like a binary file, not CSV text");
      return FALSE;
    }
  if (!g_utf8_validate_len (s, n, NULL))
    {
      chunk_fail (chunk, RETORT_TABLE_ERROR_ENCODING, position, column,
                  "the field is not valid UTF-8 text; save the file as UTF-8 and try again");
      return FALSE;
    }

  return TRUE;
}

/* The end of an unquoted field: the first delimiter or line break. */
static inline const char *
find_field_end (Parser     *parser,
                const char *q,
                const char *end)
{
#ifdef __SSE2__
  const __m128i delimiter = _mm_set1_epi8 (parser->delimiter);
  const __m128i lf = _mm_set1_epi8 ('\n');
  const __m128i cr = _mm_set1_epi8 ('\r');

  while (end - q >= 16)
    {
      __m128i bytes = _mm_loadu_si128 ((const __m128i *) q);
      int mask = _mm_movemask_epi8 (_mm_or_si128 (_mm_or_si128 (_mm_cmpeq_epi8 (bytes, delimiter),
                                                                _mm_cmpeq_epi8 (bytes, lf)),
                                                  _mm_cmpeq_epi8 (bytes, cr)));

      if (mask != 0)
        return q + __builtin_ctz ((guint) mask);
      q += 16;
    }
#endif

  while (q < end && !parser->special[(guchar) *q])
    q++;

  return q;
}

/* Reads one field at *@p and moves past it, to its delimiter, line end or
 * the end of the data. Returns FALSE on error (reported on @chunk). */
static inline gboolean
read_field (Parser      *parser,
            Chunk       *chunk,
            const char **p,
            const char  *end,
            guint        column,
            Field       *field)
{
  const char *s = *p;

  if (G_LIKELY (s >= end || *s != '"'))
    {
      const char *q = find_field_end (parser, s, end);

      field->start = s;
      field->length = (gsize) (q - s);
      field->quoted = FALSE;
      *p = q;
    }
  else
    {
      const char *open = s;
      const char *q = s + 1;
      const char *closing;

      /* Fast path: no doubled quote and nothing after the closing quote. */
      closing = memchr (q, '"', (gsize) (end - q));
      if (closing != NULL && (closing + 1 >= end || parser->special[(guchar) closing[1]]))
        {
          field->start = q;
          field->length = (gsize) (closing - q);
          field->quoted = TRUE;
          *p = closing + 1;
        }
      else
        {
          GByteArray *scratch = chunk->scratch;

          g_byte_array_set_size (scratch, 0);
          for (;;)
            {
              gsize segment;

              closing = memchr (q, '"', (gsize) (end - q));
              if (closing == NULL)
                {
                  chunk_fail (chunk, RETORT_TABLE_ERROR_PARSE, open, column,
                              "the quoted field that starts here is never closed; "
                              "add the closing quote (a quote inside a quoted field "
                              "is written twice: \"\")");
                  return FALSE;
                }
              segment = (gsize) (closing - q);
              if (scratch->len + segment > parser->max_field_size)
                {
                  chunk_fail (chunk, RETORT_TABLE_ERROR_TOO_LARGE, open, column,
                              "the field is longer than %" G_GSIZE_FORMAT " MiB; "
                              "this does not look like a table",
                              parser->max_field_size >> 20);
                  return FALSE;
                }
              g_byte_array_append (scratch, (const guint8 *) q, (guint) segment);
              if (closing + 1 < end && closing[1] == '"')
                {
                  g_byte_array_append (scratch, (const guint8 *) "\"", 1);
                  q = closing + 2;
                  continue;
                }
              break;
            }

          /* Like pandas, text after the closing quote is part of the field. */
          q = closing + 1;
          {
            const char *rest = q;

            while (q < end && !parser->special[(guchar) *q])
              q++;
            g_byte_array_append (scratch, (const guint8 *) rest, (guint) (q - rest));
          }

          field->start = (const char *) scratch->data;
          field->length = scratch->len;
          field->quoted = TRUE;
          *p = q;
        }
    }

  if (G_UNLIKELY (field->length > parser->max_field_size))
    {
      chunk_fail (chunk, RETORT_TABLE_ERROR_TOO_LARGE, s, column,
                  "the field is longer than %" G_GSIZE_FORMAT " MiB; "
                  "this does not look like a table (wrong delimiter or a binary file?)",
                  parser->max_field_size >> 20);
      return FALSE;
    }

  return TRUE;
}

/* Column storage ------------------------------------------------------------ */

static void
chunk_column_clear (ChunkColumn *column)
{
  g_clear_pointer (&column->slots, retort_buffer_unref);
  g_clear_pointer (&column->validity, retort_buffer_unref);
  g_clear_pointer (&column->offsets, retort_buffer_unref);
  g_clear_pointer (&column->data, retort_buffer_unref);
}

static void
chunk_column_reserve (ChunkColumn *column,
                      gsize        rows)
{
  gsize old_capacity = column->capacity;

  if (rows <= column->capacity)
    return;

  column->capacity = MAX (rows, 2 * column->capacity);
  if (column->slots != NULL)
    retort_buffer_resize (column->slots, column->capacity * 8);
  if (column->offsets != NULL)
    retort_buffer_resize (column->offsets, (column->capacity + 1) * sizeof (gint64));
  if (column->validity != NULL)
    {
      gsize old_size = _retort_bitmap_size (old_capacity);

      retort_buffer_resize (column->validity, _retort_bitmap_size (column->capacity));
      memset ((guint8 *) retort_buffer_get_data (column->validity) + old_size, 0,
              _retort_bitmap_size (column->capacity) - old_size);
    }
}

static void
chunk_column_set_missing (ChunkColumn *column,
                          gsize        row)
{
  if (column->validity == NULL)
    {
      column->validity = _retort_buffer_new_anonymous_zeroed (_retort_bitmap_size (column->capacity));
      _retort_bitmap_set_range (retort_buffer_get_data (column->validity), 0, row);
    }
}

static inline void
chunk_column_set_valid (ChunkColumn *column,
                        gsize        row)
{
  if (column->validity != NULL)
    _retort_bitmap_set (_retort_buffer_data (column->validity), row);
}

static void
chunk_column_append_string (ChunkColumn *column,
                            gsize        row,
                            const char  *s,
                            gsize        n)
{
  gint64 *offsets = _retort_buffer_data (column->offsets);

  if (column->data_length + n > retort_buffer_get_size (column->data))
    retort_buffer_resize (column->data, MAX (column->data_length + n,
                                             2 * retort_buffer_get_size (column->data)));
  memcpy ((char *) _retort_buffer_data (column->data) + column->data_length, s, n);
  column->data_length += n;
  offsets[row + 1] = (gint64) column->data_length;
}

static void
chunk_column_start_strings (ChunkColumn *column)
{
  column->kind = KIND_STRING;
  column->offsets = _retort_buffer_new_anonymous ((column->capacity + 1) * sizeof (gint64));
  ((gint64 *) _retort_buffer_data (column->offsets))[0] = 0;
  column->data = _retort_buffer_new_anonymous (MAX (column->capacity * 8, 64));
  column->data_length = 0;
  g_clear_pointer (&column->validity, retort_buffer_unref);
}

static void
chunk_column_int_to_float (ChunkColumn *column,
                           gsize        n_rows)
{
  gint64 *ints = _retort_buffer_data (column->slots);
  double *floats = _retort_buffer_data (column->slots);

  for (gsize i = 0; i < n_rows; i++)
    floats[i] = (double) ints[i];
  column->kind = KIND_FLOAT;
}

/* Records ---------------------------------------------------------------------- */

static gboolean rescan_strings (Parser      *parser,
                                Chunk       *chunk,
                                guint        column_index,
                                const char  *until);

static inline void
note_failure (ChunkColumn *column,
              IntParse     result)
{
  if (column->first_failure == FAILURE_NONE)
    column->first_failure = result == INT_OVERFLOW ? FAILURE_OVERFLOW : FAILURE_INVALID;
}

/* Stores field @index of row chunk->n_rows, inferring as it goes. */
static inline gboolean
store_field (Parser      *parser,
             Chunk       *chunk,
             guint        index,
             const Field *field,
             const char  *position,
             const char  *record_start)
{
  ChunkColumn *column = &chunk->columns[index];
  gsize row = chunk->n_rows;
  guint64 *slot = (guint64 *) _retort_buffer_data (column->slots) + row;
  const char *s = field->start;
  gsize n = field->length;
  gint64 int_value;
  IntParse int_result;
  double float_value;
  gboolean bool_value;

  if (is_na (s, n))
    {
      if (column->kind == KIND_STRING)
        {
          gint64 *offsets = _retort_buffer_data (column->offsets);

          offsets[row + 1] = offsets[row];
        }
      chunk_column_set_missing (column, row);
      *slot = 0;
      return TRUE;
    }

  switch (column->kind)
    {
    case KIND_INT:
      int_result = parse_int (s, n, &int_value);
      if (G_LIKELY (int_result == INT_OK))
        {
          memcpy (slot, &int_value, 8);
          chunk_column_set_valid (column, row);
          return TRUE;
        }
      note_failure (column, int_result);
      if (parse_float (s, n, &float_value))
        {
          chunk_column_int_to_float (column, row);
          memcpy (slot, &float_value, 8);
          chunk_column_set_valid (column, row);
          return TRUE;
        }
      break;

    case KIND_FLOAT:
      if (G_LIKELY (parse_float (s, n, &float_value)))
        {
          memcpy (slot, &float_value, 8);
          if (G_UNLIKELY (isnan (float_value)))
            chunk_column_set_missing (column, row);
          else
            chunk_column_set_valid (column, row);
          return TRUE;
        }
      break;

    case KIND_BOOL:
      if (G_LIKELY (parse_bool (s, n, &bool_value)))
        {
          *slot = (guint64) bool_value;
          chunk_column_set_valid (column, row);
          return TRUE;
        }
      break;

    case KIND_UNKNOWN:
      int_result = parse_int (s, n, &int_value);
      if (int_result == INT_OK)
        {
          column->kind = KIND_INT;
          memcpy (slot, &int_value, 8);
        }
      else if (note_failure (column, int_result), parse_float (s, n, &float_value))
        {
          column->kind = KIND_FLOAT;
          memcpy (slot, &float_value, 8);
          if (isnan (float_value))
            {
              chunk_column_set_missing (column, row);
              return TRUE;
            }
        }
      else if (parse_bool (s, n, &bool_value))
        {
          column->kind = KIND_BOOL;
          *slot = (guint64) bool_value;
        }
      else
        break;
      chunk_column_set_valid (column, row);
      return TRUE;

    case KIND_STRING:
      if (!check_text (chunk, position, index + 1, s, n))
        return FALSE;
      chunk_column_append_string (column, row, s, n);
      chunk_column_set_valid (column, row);
      return TRUE;

    default:
      g_assert_not_reached ();
    }

  /* Text: the column becomes a string column, earlier rows as they were written. */
  if (!check_text (chunk, position, index + 1, s, n))
    return FALSE;
  {
    gsize length = field->length;
    g_autofree char *copy = NULL;

    /* Rescanning reuses the scratch buffer that may hold this field. */
    if (field->quoted && s == (const char *) chunk->scratch->data)
      s = copy = g_memdup2 (s, length);
    if (!rescan_strings (parser, chunk, index, record_start))
      return FALSE;
    chunk_column_append_string (column, row, s, length);
    chunk_column_set_valid (column, row);
  }

  return TRUE;
}

typedef enum
{
  RECORD_END_DATA,     /* the data ended */
  RECORD_OK,
  RECORD_ERROR,
} RecordResult;

static inline void
skip_line_end (const char **p,
               const char  *end)
{
  if (**p == '\r')
    {
      (*p)++;
      if (*p < end && **p == '\n')
        (*p)++;
    }
  else
    (*p)++;
}

/* Moves past the end of a field: its delimiter (TRUE: another field of the
 * record follows) or its line end (FALSE). */
static inline gboolean
next_field (Parser      *parser,
            const char **p)
{
  if (*p >= parser->data_end)
    return FALSE;
  if (**p == parser->delimiter)
    {
      (*p)++;
      return TRUE;
    }
  skip_line_end (p, parser->data_end);
  return FALSE;
}

/* pandas skips empty lines and lines of only spaces and tabs (unless one of
 * them is the delimiter). */
static inline gboolean
skip_blank_line (Parser      *parser,
                 const char **p)
{
  const char *q = *p;
  const char *end = parser->data_end;

  while (q < end && (*q == ' ' || *q == '\t') && *q != parser->delimiter)
    q++;
  if (q < end && *q != '\n' && *q != '\r')
    return FALSE;

  *p = q;
  if (q < end)
    skip_line_end (p, end);
  return TRUE;
}

/* Parses records from chunk->start until the first record boundary at or
 * after chunk->end, storing them. */
static void
parse_chunk (Parser *parser,
             Chunk  *chunk)
{
  const char *p = chunk->start;
  const char *data_end = parser->data_end;
  guint n_columns = parser->n_columns;

  while (p < data_end && p < chunk->end)
    {
      const char *record_start = p;
      guint index = 0;

      if ((*p == '\n' || *p == '\r' || *p == ' ' || *p == '\t') && skip_blank_line (parser, &p))
        continue;

      if (G_UNLIKELY (chunk->n_rows >= chunk->columns[0].capacity))
        for (guint i = 0; i < n_columns; i++)
          chunk_column_reserve (&chunk->columns[i], chunk->n_rows + 1);

      for (;;)
        {
          const char *field_start = p;
          Field field;

          if (!read_field (parser, chunk, &p, data_end, index + 1, &field))
            goto out;

          if (G_LIKELY (index < n_columns))
            {
              if (!store_field (parser, chunk, index, &field, field_start, record_start))
                goto out;
            }
          index++;

          if (!next_field (parser, &p))
            break;
        }

      if (G_UNLIKELY (index != n_columns))
        {
          chunk_fail (chunk, RETORT_TABLE_ERROR_PARSE, record_start,
                      index > n_columns ? n_columns + 1 : index + 1,
                      "expected %u fields, found %u; every row needs as many fields as the "
                      "header (is a field with the delimiter in it missing its quotes?)",
                      n_columns, index);
          goto out;
        }

      chunk->n_rows++;

      if (parser->mapped && p - chunk->released >= (gssize) RELEASE_STEP)
        {
          gsize page = (gsize) sysconf (_SC_PAGESIZE);
          const char *from = (const char *) (((guintptr) chunk->released + page - 1) & ~(page - 1));
          const char *to = (const char *) ((guintptr) p & ~(page - 1));

          if (to > from)
            madvise ((void *) from, (gsize) (to - from), MADV_DONTNEED);
          chunk->released = p;
        }
    }

out:
  chunk->actual_end = p;
}

typedef void (*FieldFunc) (const Field *field,
                           gsize        row,
                           gpointer     user_data);

/* Calls @func for field @column_index of every record from chunk->start up
 * to @until, parsing the chunk again. */
static gboolean
scan_column (Parser     *parser,
             Chunk      *chunk,
             guint       column_index,
             const char *until,
             FieldFunc   func,
             gpointer    user_data)
{
  const char *p = chunk->start;
  gsize row = 0;

  while (p < until)
    {
      guint index = 0;

      if (skip_blank_line (parser, &p))
        continue;

      for (;;)
        {
          Field field;

          if (!read_field (parser, chunk, &p, parser->data_end, index + 1, &field))
            return FALSE;
          if (index == column_index)
            func (&field, row, user_data);
          index++;

          if (!next_field (parser, &p))
            break;
        }

      row++;
    }

  return TRUE;
}

static void
append_string_field (const Field *field,
                     gsize        row,
                     gpointer     user_data)
{
  ChunkColumn *column = user_data;

  if (is_na (field->start, field->length))
    {
      gint64 *offsets = _retort_buffer_data (column->offsets);

      offsets[row + 1] = offsets[row];
      chunk_column_set_missing (column, row);
    }
  else
    {
      chunk_column_append_string (column, row, field->start, field->length);
      chunk_column_set_valid (column, row);
    }
}

/* Fills string column @column_index with rows [0, chunk->n_rows) by parsing
 * the chunk again up to @until. Those rows held numbers or booleans, so they
 * are ASCII and can't fail to validate. */
static gboolean
rescan_strings (Parser     *parser,
                Chunk      *chunk,
                guint       column_index,
                const char *until)
{
  ChunkColumn *column = &chunk->columns[column_index];

  chunk_column_start_strings (column);

  return scan_column (parser, chunk, column_index, until, append_string_field, column);
}

/* What pandas' unsigned pass (_try_uint64) makes of a column, after an
 * int64 overflow: the first error ends it, as in pandas. */
typedef struct
{
  IntParse  error;
  gboolean  seen_signed;
  gboolean  seen_unsigned;
  gboolean  seen_null;
} UnsignedPass;

static void
check_unsigned_field (const Field *field,
                      gsize        row,
                      gpointer     user_data)
{
  UnsignedPass *pass = user_data;
  const char *p = field->start;
  const char *end = field->start + field->length;
  guint64 magnitude = 0;

  if (pass->error != INT_OK)
    return;
  if (is_na (field->start, field->length))
    {
      pass->seen_null = TRUE;
      return;
    }

  while (p < end && is_space (*p))
    p++;
  if (p < end && *p == '-')
    {
      pass->seen_signed = TRUE;
      return;
    }
  if (p < end && *p == '+')
    p++;
  if (p >= end || (guint) (*p - '0') > 9)
    {
      pass->error = INT_INVALID;
      return;
    }
  for (; p < end && (guint) (*p - '0') <= 9; p++)
    {
      guint digit = (guint) (*p - '0');

      if (magnitude > (G_MAXUINT64 - digit) / 10)
        {
          pass->error = INT_OVERFLOW;
          return;
        }
      magnitude = magnitude * 10 + digit;
    }
  while (p < end && is_space (*p))
    p++;
  if (p != end)
    {
      pass->error = INT_INVALID;
      return;
    }
  if (magnitude > (guint64) G_MAXINT64)
    pass->seen_unsigned = TRUE;
}

/* pandas met an int64 overflow before any other non-integer: it then tries
 * uint64 and, unless that pass finds a non-integer first (and falls back to
 * float64 like any other column), leaves the column as text. uint64 columns
 * have no Retort type: their digits are kept as text too. */
static gboolean
overflow_makes_text (Parser  *parser,
                     Chunk   *chunks,
                     guint    n_chunks,
                     guint    index)
{
  UnsignedPass pass = { INT_OK, FALSE, FALSE, FALSE };

  for (guint k = 0; k < n_chunks; k++)
    {
      Failure failure = chunks[k].columns[index].first_failure;

      if (failure == FAILURE_INVALID)
        return FALSE;
      if (failure == FAILURE_OVERFLOW)
        break;
      if (k + 1 == n_chunks)
        return FALSE;
    }

  for (guint k = 0; k < n_chunks && pass.error == INT_OK; k++)
    if (!scan_column (parser, &chunks[k], index, chunks[k].actual_end, check_unsigned_field, &pass))
      return TRUE;

  return pass.error != INT_INVALID;
}

static void
chunk_init (Chunk      *chunk,
            Parser     *parser,
            const char *start,
            const char *end)
{
  gsize estimate = MAX ((gsize) (end - start) / (8 * MAX (parser->n_columns, 1)), 1024);

  memset (chunk, 0, sizeof *chunk);
  chunk->parser = parser;
  chunk->start = start;
  chunk->end = end;
  chunk->released = start;
  chunk->scratch = g_byte_array_new ();
  chunk->n_columns = parser->n_columns;
  chunk->columns = g_new0 (ChunkColumn, MAX (parser->n_columns, 1));
  for (guint i = 0; i < parser->n_columns; i++)
    {
      chunk->columns[i].capacity = estimate;
      chunk->columns[i].slots = _retort_buffer_new_anonymous (estimate * 8);
    }
}

static void
chunk_clear (Chunk *chunk)
{
  if (chunk->columns != NULL)
    for (guint i = 0; i < chunk->n_columns; i++)
      chunk_column_clear (&chunk->columns[i]);
  g_clear_pointer (&chunk->columns, g_free);
  g_clear_pointer (&chunk->scratch, g_byte_array_unref);
  g_clear_pointer (&chunk->error_message, g_free);
}

static gpointer
parse_chunk_thread (gpointer data)
{
  Chunk *chunk = data;

  parse_chunk (chunk->parser, chunk);

  return NULL;
}

/* Header and delimiter ---------------------------------------------------------- */

static char
sniff_delimiter (const char *data,
                 const char *end)
{
  static const char candidates[] = { ',', ';', '\t', '|' };
  guint counts[SNIFF_LINES + 1][G_N_ELEMENTS (candidates)] = { { 0 } };
  const char *sample_end = data + MIN ((gsize) (end - data), SNIFF_BYTES);
  guint n_lines = 0;
  gboolean in_quotes = FALSE;

  for (const char *p = data; p < sample_end && n_lines < SNIFF_LINES; p++)
    {
      if (*p == '"')
        in_quotes = !in_quotes;
      else if (in_quotes)
        continue;
      else if (*p == '\n' || *p == '\r')
        {
          if (*p == '\r' && p + 1 < sample_end && p[1] == '\n')
            p++;
          n_lines++;
        }
      else
        for (guint c = 0; c < G_N_ELEMENTS (candidates); c++)
          if (*p == candidates[c])
            counts[n_lines][c]++;
    }
  /* The last line counts when the sample holds all of it. */
  if (sample_end == end && n_lines < SNIFF_LINES)
    n_lines++;
  n_lines = MAX (n_lines, 1);

  {
    int best = -1;
    guint best_count = 0;

    /* The candidate found as often on every line, most often on the first. */
    for (guint c = 0; c < G_N_ELEMENTS (candidates); c++)
      {
        gboolean consistent = counts[0][c] > 0;

        for (guint l = 1; l < n_lines && consistent; l++)
          consistent = counts[l][c] == counts[0][c] || counts[l][c] == 0;
        if (consistent && counts[0][c] > best_count)
          {
            best = (int) c;
            best_count = counts[0][c];
          }
      }
    if (best < 0)
      for (guint c = 0; c < G_N_ELEMENTS (candidates); c++)
        if (counts[0][c] > best_count)
          {
            best = (int) c;
            best_count = counts[0][c];
          }

    return best >= 0 ? candidates[best] : ',';
  }
}

/* Reads the first record's fields: the header names, or the count of columns
 * when there is no header. Returns where the body starts, or NULL on error. */
static const char *
read_first_record (Parser  *parser,
                   Chunk   *chunk,
                   gboolean keep_names)
{
  const char *p = parser->data;
  const char *end = parser->data_end;
  guint index = 0;

  while (p < end && skip_blank_line (parser, &p))
    ;

  if (p >= end)
    return p;

  for (;;)
    {
      const char *field_start = p;
      Field field;

      if (!read_field (parser, chunk, &p, end, index + 1, &field))
        return NULL;

      if (keep_names)
        {
          if (!check_text (chunk, field_start, index + 1, field.start, field.length))
            return NULL;
          if (field.length == 0)
            g_ptr_array_add (parser->names, g_strdup_printf ("Unnamed: %u", index));
          else
            g_ptr_array_add (parser->names, g_strndup (field.start, field.length));
        }
      else
        g_ptr_array_add (parser->names, g_strdup_printf ("%u", index));
      index++;

      if (!next_field (parser, &p))
        break;
    }

  parser->n_columns = index;
  return keep_names ? p : parser->data;
}

/* Assembling columns -------------------------------------------------------------- */

static Kind
combine_kinds (Kind a,
               Kind b)
{
  if (a == KIND_UNKNOWN)
    return b;
  if (b == KIND_UNKNOWN || a == b)
    return a;
  if ((a == KIND_INT && b == KIND_FLOAT) || (a == KIND_FLOAT && b == KIND_INT))
    return KIND_FLOAT;
  return KIND_STRING;
}

static RetortBuffer *
merge_validity (Chunk  *chunks,
                guint   n_chunks,
                guint   index,
                gsize   n_rows)
{
  RetortBuffer *validity = NULL;
  gsize offset = 0;

  gboolean any_missing = FALSE;

  for (guint k = 0; k < n_chunks; k++)
    any_missing |= chunks[k].columns[index].validity != NULL;
  if (!any_missing)
    return NULL;

  validity = _retort_buffer_new_anonymous_zeroed (_retort_bitmap_size (n_rows));
  for (guint k = 0; k < n_chunks; k++)
    {
      ChunkColumn *column = &chunks[k].columns[index];
      guint8 *bits = retort_buffer_get_data (validity);

      if (column->validity != NULL)
        _retort_bitmap_copy (bits, offset, retort_buffer_get_data (column->validity), 0,
                             chunks[k].n_rows);
      else
        _retort_bitmap_set_range (bits, offset, chunks[k].n_rows);
      offset += chunks[k].n_rows;
    }

  return validity;
}

static RetortColumn *
assemble_strings (Chunk  *chunks,
                  guint   n_chunks,
                  guint   index,
                  gsize   n_rows)
{
  RetortBuffer *validity = merge_validity (chunks, n_chunks, index, n_rows);
  RetortBuffer *offsets;
  RetortBuffer *data;
  gsize data_length = 0;
  gsize row = 0;

  for (guint k = 0; k < n_chunks; k++)
    data_length += chunks[k].columns[index].data_length;

  /* The first chunk's buffers grow in place; the others are appended. */
  offsets = g_steal_pointer (&chunks[0].columns[index].offsets);
  data = g_steal_pointer (&chunks[0].columns[index].data);
  retort_buffer_resize (offsets, (n_rows + 1) * sizeof (gint64));
  retort_buffer_resize (data, data_length);
  row = chunks[0].n_rows;
  data_length = chunks[0].columns[index].data_length;

  for (guint k = 1; k < n_chunks; k++)
    {
      ChunkColumn *column = &chunks[k].columns[index];
      const gint64 *src = _retort_buffer_data (column->offsets);
      gint64 *dst = retort_buffer_get_data (offsets);

      for (gsize i = 1; i <= chunks[k].n_rows; i++)
        dst[row + i] = src[i] + (gint64) data_length;
      memcpy ((char *) retort_buffer_get_data (data) + data_length,
              retort_buffer_get_data (column->data), column->data_length);
      row += chunks[k].n_rows;
      data_length += column->data_length;
      chunk_column_clear (column);
    }

  return _retort_column_new (RETORT_COLUMN_TYPE_STRING, n_rows, validity, offsets, data);
}

static RetortColumn *
assemble_slots (Chunk  *chunks,
                guint   n_chunks,
                guint   index,
                Kind    kind,
                gsize   n_rows)
{
  RetortBuffer *validity = merge_validity (chunks, n_chunks, index, n_rows);
  RetortBuffer *slots = g_steal_pointer (&chunks[0].columns[index].slots);
  RetortColumnType type;
  gsize row = chunks[0].n_rows;

  if (chunks[0].columns[index].kind == KIND_INT && kind == KIND_FLOAT)
    {
      ChunkColumn tmp = { .slots = slots };

      chunk_column_int_to_float (&tmp, row);
    }

  retort_buffer_resize (slots, MAX (n_rows, 1) * 8);
  for (guint k = 1; k < n_chunks; k++)
    {
      ChunkColumn *column = &chunks[k].columns[index];

      if (column->kind == KIND_INT && kind == KIND_FLOAT)
        chunk_column_int_to_float (column, chunks[k].n_rows);
      memcpy ((guint64 *) retort_buffer_get_data (slots) + row,
              _retort_buffer_data (column->slots), chunks[k].n_rows * 8);
      row += chunks[k].n_rows;
      chunk_column_clear (column);
    }

  switch (kind)
    {
    case KIND_UNKNOWN:
    case KIND_FLOAT:
      {
        double *values = retort_buffer_get_data (slots);
        const guint8 *bits = validity != NULL ? retort_buffer_get_data (validity) : NULL;

        if (kind == KIND_UNKNOWN)
          for (gsize i = 0; i < n_rows; i++)
            values[i] = NAN;
        else if (bits != NULL)
          for (gsize i = 0; i < n_rows; i++)
            if (!_retort_bitmap_get (bits, i))
              values[i] = NAN;
        type = RETORT_COLUMN_TYPE_FLOAT64;
        retort_buffer_resize (slots, n_rows * 8);
      }
      break;

    case KIND_INT:
      type = RETORT_COLUMN_TYPE_INT64;
      retort_buffer_resize (slots, n_rows * 8);
      break;

    case KIND_BOOL:
      {
        const guint64 *wide = retort_buffer_get_data (slots);
        RetortBuffer *bytes = _retort_buffer_new_anonymous (MAX (n_rows, 1));
        guint8 *narrow = retort_buffer_get_data (bytes);

        for (gsize i = 0; i < n_rows; i++)
          narrow[i] = (guint8) wide[i];
        retort_buffer_unref (slots);
        slots = bytes;
        retort_buffer_resize (slots, n_rows);
        type = RETORT_COLUMN_TYPE_BOOL;
      }
      break;

    case KIND_STRING:
    default:
      g_assert_not_reached ();
    }

  return _retort_column_new (type, n_rows, validity, slots, NULL);
}

static RetortColumn *
assemble_column (Parser  *parser,
                 Chunk   *chunks,
                 guint    n_chunks,
                 guint    index,
                 gsize    n_rows,
                 GError **error)
{
  Kind kind = KIND_UNKNOWN;
  gboolean any_missing = FALSE;

  for (guint k = 0; k < n_chunks; k++)
    {
      kind = combine_kinds (kind, chunks[k].columns[index].kind);
      any_missing |= chunks[k].columns[index].validity != NULL;
    }

  /* Like pandas: a header-only file gives text columns, an int64 column
   * with missing values is float64. */
  if (n_rows == 0)
    kind = KIND_STRING;
  else if (kind == KIND_INT && any_missing)
    kind = KIND_FLOAT;
  if (kind != KIND_STRING && overflow_makes_text (parser, chunks, n_chunks, index))
    kind = KIND_STRING;

  if (kind != KIND_STRING)
    return assemble_slots (chunks, n_chunks, index, kind, n_rows);

  for (guint k = 0; k < n_chunks; k++)
    if (chunks[k].columns[index].kind != KIND_STRING)
      {
        if (!rescan_strings (parser, &chunks[k], index, chunks[k].actual_end))
          {
            set_chunk_error (parser, &chunks[k], error);
            return NULL;
          }
      }

  return assemble_strings (chunks, n_chunks, index, n_rows);
}

/* Reading ------------------------------------------------------------------------ */

static const char *
next_line_start (const char *p,
                 const char *end)
{
  const char *newline = memchr (p, '\n', (gsize) (end - p));

  return newline != NULL ? newline + 1 : end;
}

static RetortTable *
parse (Parser                 *parser,
       const RetortCsvOptions *options,
       GError                **error)
{
  g_autoptr(GPtrArray) columns = g_ptr_array_new_with_free_func ((GDestroyNotify) retort_column_unref);
  Chunk header_chunk;
  Chunk *chunks;
  GThread **threads;
  const char *body;
  guint n_chunks;
  gsize n_rows = 0;
  RetortTable *table = NULL;

  if (parser->data == parser->data_end)
    {
      g_set_error (error, RETORT_TABLE_ERROR, RETORT_TABLE_ERROR_EMPTY,
                   "%s is empty: a CSV file needs at least a header line", parser->display_name);
      return NULL;
    }

  parser->delimiter = options->delimiter != 0
    ? options->delimiter
    : sniff_delimiter (parser->data, parser->data_end);
  parser->special[(guchar) parser->delimiter] = 1;
  parser->special['\n'] = 1;
  parser->special['\r'] = 1;

  chunk_init (&header_chunk, parser, parser->data, parser->data_end);
  body = read_first_record (parser, &header_chunk, parser->has_header);
  if (body == NULL)
    {
      set_chunk_error (parser, &header_chunk, error);
      chunk_clear (&header_chunk);
      return NULL;
    }
  chunk_clear (&header_chunk);

  if (parser->n_columns == 0)
    {
      g_set_error (error, RETORT_TABLE_ERROR, RETORT_TABLE_ERROR_EMPTY,
                   "%s has only blank lines: a CSV file needs at least a header line",
                   parser->display_name);
      return NULL;
    }

  /* One chunk per thread, cut at line ends. */
  /* An explicit thread count is obeyed even for small inputs (tests, fuzzing). */
  n_chunks = options->n_threads;
  if (n_chunks == 0)
    n_chunks = (gsize) (parser->data_end - body) < MIN_PARALLEL_BYTES ? 1 : g_get_num_processors ();
  n_chunks = CLAMP (n_chunks, 1, 64);

  chunks = g_new0 (Chunk, n_chunks);
  threads = g_new0 (GThread *, n_chunks);
  {
    const char *start = body;
    gsize size = (gsize) (parser->data_end - body);

    for (guint k = 0; k < n_chunks; k++)
      {
        const char *end = k + 1 == n_chunks
          ? parser->data_end
          : next_line_start (body + size / n_chunks * (k + 1), parser->data_end);

        end = MAX (end, start);
        chunk_init (&chunks[k], parser, start, end);
        start = end;
      }
  }

  for (guint k = 1; k < n_chunks; k++)
    threads[k] = g_thread_new ("retort-csv", parse_chunk_thread, &chunks[k]);
  parse_chunk (parser, &chunks[0]);
  for (guint k = 1; k < n_chunks; k++)
    g_thread_join (threads[k]);

  /* Check each chunk started where the previous one really ended. */
  for (guint k = 0; k < n_chunks; k++)
    {
      if (k > 0 && chunks[k].start != chunks[k - 1].actual_end)
        {
          const char *start = chunks[k - 1].actual_end;
          const char *end = MAX (chunks[k].end, start);

          chunk_clear (&chunks[k]);
          chunk_init (&chunks[k], parser, start, end);
          parse_chunk (parser, &chunks[k]);
        }
      if (chunks[k].error_message != NULL)
        {
          set_chunk_error (parser, &chunks[k], error);
          goto out;
        }
      n_rows += chunks[k].n_rows;
    }

  for (guint i = 0; i < parser->n_columns; i++)
    {
      RetortColumn *column = assemble_column (parser, chunks, n_chunks, i, n_rows, error);

      if (column == NULL)
        goto out;
      g_ptr_array_add (columns, column);
    }

  table = retort_table_new (parser->n_columns, (const char * const *) parser->names->pdata,
                            (RetortColumn * const *) columns->pdata, error);

out:
  for (guint k = 0; k < n_chunks; k++)
    chunk_clear (&chunks[k]);
  g_free (chunks);
  g_free (threads);

  return table;
}

static RetortTable *
read_data (const char             *data,
           gsize                   length,
           gboolean                mapped,
           const char             *display_name,
           const RetortCsvOptions *options,
           GError                **error)
{
  RetortCsvOptions defaults;
  Parser parser = { 0 };
  RetortTable *table;

  if (options == NULL)
    {
      retort_csv_options_init (&defaults);
      options = &defaults;
    }

  if (options->delimiter != 0 && (options->delimiter == '"' || options->delimiter == '\n' ||
                                  options->delimiter == '\r'))
    {
      g_set_error (error, RETORT_TABLE_ERROR, RETORT_TABLE_ERROR_INVALID,
                   "“%c” cannot be a delimiter", options->delimiter);
      return NULL;
    }

  parser.display_name = display_name;
  parser.file_start = data;
  parser.data = data;
  parser.data_end = data + length;
  parser.mapped = mapped;
  parser.has_header = options->has_header;
  parser.max_field_size = options->max_field_size != 0
    ? options->max_field_size
    : RETORT_CSV_DEFAULT_MAX_FIELD_SIZE;
  parser.names = g_ptr_array_new_with_free_func (g_free);

  if (length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    parser.data += 3;

  table = parse (&parser, options, error);

  g_ptr_array_unref (parser.names);

  return table;
}

RetortTable *
retort_csv_read_data (const char              *data,
                      gsize                    length,
                      const char              *display_name,
                      const RetortCsvOptions  *options,
                      GError                 **error)
{
  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return read_data (data != NULL ? data : "", length, FALSE,
                    display_name != NULL ? display_name : "CSV data", options, error);
}

RetortTable *
retort_csv_read_file (const char              *path,
                      const RetortCsvOptions  *options,
                      GError                 **error)
{
  g_autofree char *display_name = NULL;
  g_autofree char *display_path = NULL;
  struct stat st;
  RetortTable *table;
  void *data;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Parse errors name the file; errors about the file itself give its path. */
  display_name = g_filename_display_basename (path);
  display_path = g_filename_display_name (path);

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, RETORT_TABLE_ERROR, RETORT_TABLE_ERROR_IO,
                   "Cannot open %s: %s", display_path, g_strerror (saved_errno));
      return NULL;
    }

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, RETORT_TABLE_ERROR, RETORT_TABLE_ERROR_IO,
                   "Cannot read %s: it is not a regular file", display_path);
      close (fd);
      return NULL;
    }

  if (st.st_size == 0)
    {
      close (fd);
      return read_data ("", 0, FALSE, display_name, options, error);
    }

  data = mmap (NULL, (gsize) st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  close (fd);
  if (data == MAP_FAILED)
    {
      int saved_errno = errno;

      g_set_error (error, RETORT_TABLE_ERROR, RETORT_TABLE_ERROR_IO,
                   "Cannot read %s: %s", display_path, g_strerror (saved_errno));
      return NULL;
    }
  madvise (data, (gsize) st.st_size, MADV_SEQUENTIAL);

  table = read_data (data, (gsize) st.st_size, TRUE, display_name, options, error);

  munmap (data, (gsize) st.st_size);

  return table;
}
