/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-engine"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>
#include <sqlite3.h>

#include "retort-module-run-private.h"

#define N_INPUTS 3

static const RetortPortSpec inputs[N_INPUTS] = {
  { N_("Table1"), RETORT_PORT_DATASET, TRUE },
  { N_("Table2"), RETORT_PORT_DATASET, TRUE },
  { N_("Table3"), RETORT_PORT_DATASET, TRUE },
};

static const RetortPortSpec outputs[] = {
  { N_("Results dataset"), RETORT_PORT_DATASET, FALSE },
};

static const RetortParamSpec params[] = {
  { "query", N_("SQL Query"), RETORT_PARAM_TEXT, "\"SELECT * FROM t1;\"", NULL,
    N_("SQLite statements on the inputs t1, t2 and t3; the last one’s rows are the result") },
};

/* Declared types of the tables the inputs become. Bool and datetime get
 * their own names (NUMERIC affinity: 0/1 and ISO 8601 text stay as they
 * are stored) so a plain SELECT gives their columns back with their type. */
static const char *
sql_type (RetortColumnType type)
{
  switch (type)
    {
    case RETORT_COLUMN_TYPE_INT64:
      return "INTEGER";
    case RETORT_COLUMN_TYPE_FLOAT64:
      return "REAL";
    case RETORT_COLUMN_TYPE_BOOL:
      return "BOOLEAN";
    case RETORT_COLUMN_TYPE_DATETIME:
      return "DATETIME";
    case RETORT_COLUMN_TYPE_STRING:
    default:
      return "TEXT";
    }
}

static void
append_identifier (GString    *sql,
                   const char *name)
{
  g_string_append_c (sql, '"');
  for (const char *p = name; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (sql, '"');
      g_string_append_c (sql, *p);
    }
  g_string_append_c (sql, '"');
}

static void
set_sqlite_error (GError     **error,
                  sqlite3     *db,
                  const char  *what)
{
  g_set_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_FAILED, "%s: %s", what,
               sqlite3_errmsg (db));
}

static gboolean
bind_cell (sqlite3_stmt *stmt,
           int           index,
           RetortColumn *column,
           gsize         row)
{
  if (!retort_column_is_valid (column, row))
    return sqlite3_bind_null (stmt, index) == SQLITE_OK;

  switch (retort_column_get_data_type (column))
    {
    case RETORT_COLUMN_TYPE_FLOAT64:
      {
        double value = retort_column_get_float64_data (column)[row];

        if (isnan (value))
          return sqlite3_bind_null (stmt, index) == SQLITE_OK;
        return sqlite3_bind_double (stmt, index, value) == SQLITE_OK;
      }
    case RETORT_COLUMN_TYPE_INT64:
      return sqlite3_bind_int64 (stmt, index,
                                 retort_column_get_int64_data (column)[row]) == SQLITE_OK;
    case RETORT_COLUMN_TYPE_BOOL:
      return sqlite3_bind_int (stmt, index,
                               retort_column_get_bool_data (column)[row] != 0) == SQLITE_OK;
    case RETORT_COLUMN_TYPE_STRING:
      {
        gsize length;
        const char *text = retort_column_get_string (column, row, &length);

        return sqlite3_bind_text64 (stmt, index, text, length, SQLITE_STATIC,
                                    SQLITE_UTF8) == SQLITE_OK;
      }
    case RETORT_COLUMN_TYPE_DATETIME:
    default:
      {
        char *text = retort_column_dup_text (column, row);

        return sqlite3_bind_text64 (stmt, index, text, strlen (text), g_free,
                                    SQLITE_UTF8) == SQLITE_OK;
      }
    }
}

/* Input @port becomes table t<port + 1>, filled by one prepared insert in
 * one transaction. */
static gboolean
load_table (sqlite3       *db,
            RetortTable   *table,
            guint          port,
            GCancellable  *cancellable,
            GError       **error)
{
  guint n_columns = retort_table_get_n_columns (table);
  gsize n_rows = retort_table_get_n_rows (table);
  g_autoptr(GString) create = g_string_new (NULL);
  g_autoptr(GString) insert = g_string_new (NULL);
  g_autofree char *what = g_strdup_printf (_("Loading input %u as table t%u"), port + 1, port + 1);
  sqlite3_stmt *stmt = NULL;

  g_string_append_printf (create, "CREATE TABLE t%u (", port + 1);
  g_string_append_printf (insert, "INSERT INTO t%u VALUES (", port + 1);
  for (guint c = 0; c < n_columns; c++)
    {
      RetortColumn *column = retort_table_get_column (table, c);

      if (c > 0)
        {
          g_string_append (create, ", ");
          g_string_append (insert, ", ");
        }
      append_identifier (create, retort_table_get_column_name (table, c));
      g_string_append_printf (create, " %s", sql_type (retort_column_get_data_type (column)));
      g_string_append_c (insert, '?');
    }
  g_string_append (create, ")");
  g_string_append (insert, ")");

  /* A table without columns is not valid SQL: such an input has nothing
   * to query anyway. */
  if (n_columns == 0)
    return TRUE;

  if (sqlite3_exec (db, create->str, NULL, NULL, NULL) != SQLITE_OK
      || sqlite3_exec (db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK
      || sqlite3_prepare_v2 (db, insert->str, -1, &stmt, NULL) != SQLITE_OK)
    {
      set_sqlite_error (error, db, what);
      sqlite3_finalize (stmt);
      return FALSE;
    }

  for (gsize row = 0; row < n_rows; row++)
    {
      if ((row & 0xfff) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          sqlite3_finalize (stmt);
          return FALSE;
        }
      for (guint c = 0; c < n_columns; c++)
        if (!bind_cell (stmt, c + 1, retort_table_get_column (table, c), row))
          {
            set_sqlite_error (error, db, what);
            sqlite3_finalize (stmt);
            return FALSE;
          }
      if (sqlite3_step (stmt) != SQLITE_DONE)
        {
          set_sqlite_error (error, db, what);
          sqlite3_finalize (stmt);
          return FALSE;
        }
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);

  if (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    {
      set_sqlite_error (error, db, what);
      return FALSE;
    }

  return TRUE;
}

/* The rows of a statement, column by column, until their types are known. */
typedef struct
{
  char      *name;
  char      *decltype;
  GArray    *kinds;     /* int: SQLITE_INTEGER, _FLOAT, _TEXT, _BLOB, _NULL */
  GArray    *numbers;   /* union of gint64 and double, per row */
  GPtrArray *texts;     /* char*, per row (NULL unless text or blob) */
  gboolean   seen[SQLITE_NULL + 1];
} ResultColumn;

typedef union
{
  gint64 i;
  double d;
} Number;

static void
result_column_free (gpointer data)
{
  ResultColumn *column = data;

  g_free (column->name);
  g_free (column->decltype);
  g_array_unref (column->kinds);
  g_array_unref (column->numbers);
  g_ptr_array_unref (column->texts);
  g_free (column);
}

static GPtrArray *
result_new (sqlite3_stmt *stmt)
{
  GPtrArray *result = g_ptr_array_new_with_free_func (result_column_free);
  int n = sqlite3_column_count (stmt);

  for (int c = 0; c < n; c++)
    {
      ResultColumn *column = g_new0 (ResultColumn, 1);
      const char *name = sqlite3_column_name (stmt, c);
      const char *decltype = sqlite3_column_decltype (stmt, c);

      column->name = g_strdup (name != NULL ? name : "");
      column->decltype = decltype != NULL ? g_ascii_strup (decltype, -1) : NULL;
      column->kinds = g_array_new (FALSE, FALSE, sizeof (int));
      column->numbers = g_array_new (FALSE, FALSE, sizeof (Number));
      column->texts = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (result, column);
    }

  return result;
}

static void
result_add_row (GPtrArray    *result,
                sqlite3_stmt *stmt)
{
  for (guint c = 0; c < result->len; c++)
    {
      ResultColumn *column = g_ptr_array_index (result, c);
      int kind = sqlite3_column_type (stmt, c);
      Number number = { 0 };
      char *text = NULL;

      switch (kind)
        {
        case SQLITE_INTEGER:
          number.i = sqlite3_column_int64 (stmt, c);
          break;
        case SQLITE_FLOAT:
          number.d = sqlite3_column_double (stmt, c);
          break;
        case SQLITE_TEXT:
        case SQLITE_BLOB:
          {
            const char *data = (const char *) sqlite3_column_text (stmt, c);
            int length = sqlite3_column_bytes (stmt, c);

            /* Blobs are shown as text; bytes that are not UTF-8 become U+FFFD. */
            text = g_utf8_make_valid (data != NULL ? data : "", length);
          }
          break;
        default:
          kind = SQLITE_NULL;
          break;
        }
      column->seen[kind] = TRUE;
      g_array_append_val (column->kinds, kind);
      g_array_append_val (column->numbers, number);
      g_ptr_array_add (column->texts, text);
    }
}

static gboolean
decltype_has (const ResultColumn *column,
              const char         *word)
{
  return column->decltype != NULL && strstr (column->decltype, word) != NULL;
}

/* "YYYY-MM-DD[ T]HH:MM:SS[.fraction]" (what inputs are stored as) in ns. */
static gboolean
parse_datetime (const char *text,
                gint64     *ns)
{
  int year, month, day, hour = 0, minute = 0, second = 0, consumed = 0;
  g_autoptr(GDateTime) time = NULL;
  gint64 fraction = 0;
  const char *p;

  if (sscanf (text, "%4d-%2d-%2d%n", &year, &month, &day, &consumed) != 3)
    return FALSE;
  p = text + consumed;
  if (*p == ' ' || *p == 'T')
    {
      if (sscanf (p + 1, "%2d:%2d:%2d%n", &hour, &minute, &second, &consumed) != 3)
        return FALSE;
      p += 1 + consumed;
      if (*p == '.')
        {
          int digits = 0;

          for (p++; g_ascii_isdigit (*p); p++, digits++)
            if (digits < 9)
              fraction = fraction * 10 + (*p - '0');
          for (; digits < 9; digits++)
            fraction *= 10;
        }
    }
  if (*p != '\0')
    return FALSE;

  time = g_date_time_new_utc (year, month, day, hour, minute, second);
  if (time == NULL)
    return FALSE;

  *ns = g_date_time_to_unix (time) * G_GINT64_CONSTANT (1000000000) + fraction;
  return TRUE;
}

/* The type of an output column: from the values seen, and from the
 * declared type where the values alone cannot tell (no rows, all NULL,
 * bool and datetime columns of the inputs). */
static RetortColumnType
result_column_type (const ResultColumn *column)
{
  gboolean any = column->seen[SQLITE_INTEGER] || column->seen[SQLITE_FLOAT]
                 || column->seen[SQLITE_TEXT] || column->seen[SQLITE_BLOB];

  if (!any)
    {
      if (decltype_has (column, "BOOL"))
        return RETORT_COLUMN_TYPE_BOOL;
      if (decltype_has (column, "DATE") || decltype_has (column, "TIME"))
        return RETORT_COLUMN_TYPE_DATETIME;
      if (decltype_has (column, "INT"))
        return RETORT_COLUMN_TYPE_INT64;
      if (decltype_has (column, "CHAR") || decltype_has (column, "TEXT")
          || decltype_has (column, "CLOB"))
        return RETORT_COLUMN_TYPE_STRING;
      return RETORT_COLUMN_TYPE_FLOAT64;
    }

  if (column->seen[SQLITE_TEXT] || column->seen[SQLITE_BLOB])
    {
      if (!column->seen[SQLITE_INTEGER] && !column->seen[SQLITE_FLOAT]
          && (decltype_has (column, "DATE") || decltype_has (column, "TIME")))
        {
          for (guint row = 0; row < column->texts->len; row++)
            {
              const char *text = g_ptr_array_index (column->texts, row);
              gint64 ns;

              if (text != NULL && !parse_datetime (text, &ns))
                return RETORT_COLUMN_TYPE_STRING;
            }
          return RETORT_COLUMN_TYPE_DATETIME;
        }
      return RETORT_COLUMN_TYPE_STRING;
    }

  if (column->seen[SQLITE_FLOAT])
    return RETORT_COLUMN_TYPE_FLOAT64;

  if (decltype_has (column, "BOOL"))
    {
      for (guint row = 0; row < column->numbers->len; row++)
        {
          gint64 value = g_array_index (column->numbers, Number, row).i;

          if (g_array_index (column->kinds, int, row) == SQLITE_INTEGER && value != 0 && value != 1)
            return RETORT_COLUMN_TYPE_INT64;
        }
      return RETORT_COLUMN_TYPE_BOOL;
    }

  return RETORT_COLUMN_TYPE_INT64;
}

static RetortColumn *
result_column_finish (const ResultColumn *column)
{
  RetortColumnType type = result_column_type (column);
  gsize n_rows = column->kinds->len;
  g_autoptr(RetortColumnBuilder) builder = retort_column_builder_new (type, n_rows);

  for (gsize row = 0; row < n_rows; row++)
    {
      int kind = g_array_index (column->kinds, int, row);
      Number number = g_array_index (column->numbers, Number, row);
      const char *text = g_ptr_array_index (column->texts, row);

      if (kind == SQLITE_NULL)
        {
          retort_column_builder_append_null (builder);
          continue;
        }

      switch (type)
        {
        case RETORT_COLUMN_TYPE_FLOAT64:
          retort_column_builder_append_float64 (builder, kind == SQLITE_INTEGER ? (double) number.i
                                                                                : number.d);
          break;
        case RETORT_COLUMN_TYPE_INT64:
          retort_column_builder_append_int64 (builder, number.i);
          break;
        case RETORT_COLUMN_TYPE_BOOL:
          retort_column_builder_append_bool (builder, number.i != 0);
          break;
        case RETORT_COLUMN_TYPE_DATETIME:
          {
            gint64 ns = 0;

            parse_datetime (text, &ns);
            retort_column_builder_append_datetime (builder, ns);
          }
          break;
        case RETORT_COLUMN_TYPE_STRING:
        default:
          if (kind == SQLITE_INTEGER)
            {
              g_autofree char *formatted = g_strdup_printf ("%" G_GINT64_FORMAT, number.i);

              retort_column_builder_append_string (builder, formatted, -1);
            }
          else if (kind == SQLITE_FLOAT)
            {
              char formatted[G_ASCII_DTOSTR_BUF_SIZE];

              g_ascii_dtostr (formatted, sizeof formatted, number.d);
              retort_column_builder_append_string (builder, formatted, -1);
            }
          else
            retort_column_builder_append_string (builder, text, -1);
          break;
        }
    }

  return retort_column_builder_finish (g_steal_pointer (&builder));
}

static RetortTable *
result_finish (GPtrArray  *result,
               GError    **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GPtrArray) columns = g_ptr_array_new_with_free_func ((GDestroyNotify) retort_column_unref);

  for (guint c = 0; c < result->len; c++)
    {
      ResultColumn *column = g_ptr_array_index (result, c);

      g_ptr_array_add (names, column->name);
      g_ptr_array_add (columns, result_column_finish (column));
    }

  return retort_table_new (result->len, (const char * const *) names->pdata,
                           (RetortColumn * const *) columns->pdata, error);
}

/* "line 2, position 8: " for byte @offset of @query (positions count
 * characters, from 1). */
static char *
describe_position (const char *query,
                   gssize      offset,
                   gboolean    with_position)
{
  guint line = 1;
  const char *line_start = query;
  glong position;

  for (const char *p = query; p < query + offset && *p != '\0'; p++)
    if (*p == '\n')
      {
        line++;
        line_start = p + 1;
      }

  if (!with_position)
    return g_strdup_printf (_("line %u"), line);

  position = g_utf8_strlen (line_start, query + offset - line_start) + 1;
  return g_strdup_printf (_("line %u, position %ld"), line, position);
}

static void
set_query_error (GError          **error,
                 RetortModuleRun  *run,
                 sqlite3          *db,
                 const char       *query,
                 const char       *statement)
{
  int offset = sqlite3_error_offset (db);
  const char *message = sqlite3_errmsg (db);
  g_autofree char *where = NULL;
  const char *hint = "";
  guint table;
  char end;

  /* Errors found while preparing point into the statement; errors while
   * running have no position, so they name the statement's first line. */
  if (offset >= 0)
    where = describe_position (query, (statement - query) + offset, TRUE);
  else
    {
      while (g_ascii_isspace (*statement))
        statement++;
      where = describe_position (query, statement - query, FALSE);
    }

  /* The likely cause of a missing t1, t2 or t3 is a loose connection. */
  if (sscanf (message, "no such table: t%u%c", &table, &end) == 1 && table >= 1
      && table <= N_INPUTS && retort_module_run_get_input_table (run, table - 1) == NULL)
    hint = _(" (its input is not connected)");

  g_set_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_FAILED, "%s: %s%s", where,
               message, hint);
}

typedef struct
{
  GMutex   mutex;
  sqlite3 *db;
} Interrupt;

static void
interrupt_cb (GCancellable *cancellable,
              gpointer      user_data)
{
  Interrupt *interrupt = user_data;

  /* Called on the cancelling thread: sqlite3_interrupt() is safe there as
   * long as the connection is open, which the lock guarantees. */
  g_mutex_lock (&interrupt->mutex);
  if (interrupt->db != NULL)
    sqlite3_interrupt (interrupt->db);
  g_mutex_unlock (&interrupt->mutex);
}

/* sqlite3_interrupt() is lost when it lands between two statements, as
 * SQLite clears it when the next one starts: the VM also asks now and then. */
static int
progress_cb (void *user_data)
{
  return g_cancellable_is_cancelled (user_data);
}

static gboolean
run_statements (RetortModuleRun  *run,
                sqlite3          *db,
                GCancellable     *cancellable,
                GError          **error)
{
  const char *query = retort_module_run_get_string (run, "query");
  const char *tail;
  g_autoptr(GPtrArray) last = NULL;
  gboolean any = FALSE;
  g_autoptr(RetortTable) table = NULL;

  if (query == NULL)
    query = "";

  for (guint port = 0; port < N_INPUTS; port++)
    {
      RetortTable *input = retort_module_run_get_input_table (run, port);

      if (input != NULL && !load_table (db, input, port, cancellable, error))
        return FALSE;
    }

  tail = query;
  while (*tail != '\0')
    {
      const char *statement = tail;
      sqlite3_stmt *stmt = NULL;
      int status;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (sqlite3_prepare_v2 (db, statement, -1, &stmt, &tail) != SQLITE_OK)
        {
          set_query_error (error, run, db, query, statement);
          return FALSE;
        }
      if (stmt == NULL)   /* only blanks or a comment */
        continue;

      any = TRUE;
      g_clear_pointer (&last, g_ptr_array_unref);
      if (sqlite3_column_count (stmt) > 0)
        last = result_new (stmt);
      while ((status = sqlite3_step (stmt)) == SQLITE_ROW)
        if (last != NULL)
          result_add_row (last, stmt);
      if (status != SQLITE_DONE)
        {
          set_query_error (error, run, db, query, statement);
          sqlite3_finalize (stmt);
          return FALSE;
        }
      sqlite3_finalize (stmt);
    }

  if (!any)
    {
      g_set_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_INVALID,
                   _("The query is empty: write a statement such as SELECT * FROM t1;"));
      return FALSE;
    }
  if (last == NULL)
    {
      g_set_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_FAILED,
                   _("The last statement returns no rows: end the query with a SELECT"));
      return FALSE;
    }

  table = result_finish (last, error);
  if (table == NULL)
    return FALSE;

  retort_module_run_set_output_table (run, 0, table);
  return TRUE;
}

static gboolean
apply_sql (RetortModuleRun  *run,
           GCancellable     *cancellable,
           GError          **error)
{
  Interrupt interrupt = { 0 };
  g_autoptr(GError) local_error = NULL;
  sqlite3 *db = NULL;
  gulong handler = 0;
  gboolean ok;

  if (sqlite3_open_v2 (":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL)
      != SQLITE_OK)
    {
      g_set_error (error, RETORT_ENGINE_ERROR, RETORT_ENGINE_ERROR_FAILED,
                   _("SQLite cannot open a database in memory: %s"),
                   db != NULL ? sqlite3_errmsg (db) : g_strerror (ENOMEM));
      sqlite3_close (db);
      return FALSE;
    }

  g_mutex_init (&interrupt.mutex);
  interrupt.db = db;
  if (cancellable != NULL)
    {
      handler = g_cancellable_connect (cancellable, G_CALLBACK (interrupt_cb), &interrupt, NULL);
      sqlite3_progress_handler (db, 100000, progress_cb, cancellable);
    }

  ok = run_statements (run, db, cancellable, &local_error);
  /* An interrupted statement fails with SQLite's "interrupted" wherever it
   * was (loading inputs, preparing, stepping): it is a cancellation. */
  if (!ok && g_cancellable_is_cancelled (cancellable))
    {
      g_clear_error (&local_error);
      g_cancellable_set_error_if_cancelled (cancellable, &local_error);
    }
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&local_error));

  /* Waits for a handler that is running, so the connection outlives it. */
  g_cancellable_disconnect (cancellable, handler);
  g_mutex_lock (&interrupt.mutex);
  interrupt.db = NULL;
  g_mutex_unlock (&interrupt.mutex);
  g_mutex_clear (&interrupt.mutex);
  sqlite3_close (db);

  return ok;
}

static void
sql_run_async (RetortModuleRun     *run,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  _retort_module_run_in_thread (run, sql_run_async, apply_sql, cancellable, callback, user_data);
}

const RetortModuleKind retort_sql_module_kind = {
  .id = "sql",
  .title = N_("Apply SQL Transformation"),
  .category = N_("Data Transformation"),
  .description = N_("Transforms up to three datasets with SQLite: they are tables t1, t2 and t3"),
  .icon_name = "retort-sql-symbolic",
  .inputs = inputs,
  .n_inputs = N_INPUTS,
  .outputs = outputs,
  .n_outputs = G_N_ELEMENTS (outputs),
  .params = params,
  .n_params = G_N_ELEMENTS (params),
  .run_async = sql_run_async,
  .run_finish = _retort_module_run_task_finish,
};
