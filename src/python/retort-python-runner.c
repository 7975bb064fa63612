/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-python"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "retort-language-items.h"
#include "retort-python-runner.h"
#include "retort-script-bundle.h"
#include "retort-script-result-private.h"
#include "retort-buffer-private.h"
#include "retort-column-private.h"
#include "retort-fd-passing.h"
#include "retort-table-file.h"

#define PROTOCOL_VERSION 1
/* doc/runner-protocol.md: tables and images never travel inline. */
#define MAX_MESSAGE_SIZE ((gsize) 16 << 20)
/* Importing numpy, pandas and matplotlib takes about a second; a runner
 * that has not said hello long after that is stuck. */
#define STARTUP_TIMEOUT_S 60
/* After `cancel`, how long the runner gets to confirm before it is killed:
 * a cancelled run must complete within a second whatever the runner does. */
#define CANCEL_GRACE_MS 700
/* The runner enforces the wall-time limit; this is the backstop for a
 * runner that does not. */
#define WATCHDOG_SLACK_S 10
/* A runner failing to confirm the limit still cannot flood the client. */
#define CONSOLE_SLACK ((gsize) 64 << 10)
#define STDERR_TAIL_SIZE 4096
#define MAX_IMAGE_SIZE ((goffset) 256 << 20)

/* One started runner process. Callbacks hold a reference; a process that
 * died or was replaced is `dead`, and its late callbacks do nothing. */
typedef struct
{
  gatomicrefcount     ref_count;
  RetortPythonRunner *runner;      /* not owned; NULL after dispose */
  GSubprocess        *subprocess;  /* NULL while the font cache is prepared */
  GOutputStream      *stdin_pipe;
  GInputStream       *stdout_pipe;
  GDataInputStream   *stderr_lines;
  GCancellable       *cancellable;  /* stops every pending read and write */
  GQueue              out_queue;    /* GBytes: framed messages to write */
  gboolean            writing;
  guint8              header[4];
  guint8             *body;
  gsize               body_size;
  gboolean            ready;        /* `hello` received */
  gboolean            fd_passing;   /* the runner takes tables as descriptors */
  int                 fd_channel;   /* our end of its fd 3; -1: none */
  gboolean            dead;
  GString            *stderr_tail;
  guint               startup_timeout_id;
} RunnerProcess;

typedef enum
{
  OP_QUEUED,
  OP_PREPARING,   /* the run directory is being written (thread) */
  OP_PREPARED,    /* waiting for the runner's hello */
  OP_SENT,        /* `run` sent; events arrive */
  OP_FINISHING,   /* result being read, run directory deleted (thread) */
  OP_DONE,
} OpState;

/* One run; the task data of the caller's GTask. */
typedef struct
{
  RetortScriptJob *job;
  OpState          state;
  guint            id;
  guint            attempts;      /* starts of a runner for this run */
  gboolean         started;       /* `started` received: the script may have run */
  gboolean         returned;      /* the caller's task has its outcome */
  gboolean         cancel_sent;
  GSource         *cancel_source;
  guint            cancel_timeout_id;
  guint            watchdog_id;
  gint64           sent_time;

  char            *run_dir;
  char            *script_path;
  char            *work_dir;
  char            *bundle_dir;    /* NULL without a bundle */
  char            *input_paths[2];
  gboolean         use_fds;           /* inputs may cross as descriptors */
  gboolean         input_written[2];  /* as a table file, not descriptors */
  char            *result_path;
  GArray          *sent_fds;      /* int: the input descriptors, owned by the job's tables */
  GArray          *result_fds;    /* int, owned: sent with the result */

  GString         *console;
  gboolean         console_capped;

  /* Filled by the finishing thread. */
  JsonObject      *event;
  RetortTable     *table;
  GPtrArray       *images;
  GError          *finish_error;
  GError          *pending_error;  /* returned once the run directory is gone */
} RunOp;

struct _RetortPythonRunner
{
  GObject                  parent_instance;

  char                    *program;
  gboolean                 sandbox_enabled;
  RetortPythonSandboxMode  sandbox_mode;
  char                    *sandbox_program;
  gboolean                 sandbox_chosen;
  char                    *session_dir;
  char                    *font_cache;

  RunnerProcess           *process;
  GQueue                   pending;   /* GTask */
  GTask                   *current;
  guint                    next_id;   /* runs and queries share the ids */
  GHashTable              *queries;   /* id -> GTask (owned): sent, not yet answered */
};

G_DEFINE_FINAL_TYPE (RetortPythonRunner, retort_python_runner, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_PROGRAM,
  PROP_SANDBOX_ENABLED,
  N_PROPS
};

enum
{
  CONSOLE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void advance          (RetortPythonRunner *self);
static void process_fail     (RunnerProcess      *proc,
                              const char         *reason);
static void process_send     (RunnerProcess      *proc,
                              JsonBuilder        *builder);
static void read_next_header (RunnerProcess      *proc);
static void op_cleanup       (GTask              *task);
static void queries_fail     (RetortPythonRunner *self,
                              const char         *reason,
                              const char         *tail);
static gboolean query_answer (RetortPythonRunner *self,
                              JsonObject         *event);

/* Process ---------------------------------------------------------------- */

static RunnerProcess *
process_ref (RunnerProcess *proc)
{
  g_atomic_ref_count_inc (&proc->ref_count);
  return proc;
}

static void
process_unref (RunnerProcess *proc)
{
  if (!g_atomic_ref_count_dec (&proc->ref_count))
    return;

  g_assert (proc->startup_timeout_id == 0);
  g_clear_object (&proc->subprocess);
  g_clear_object (&proc->stdin_pipe);
  g_clear_object (&proc->stdout_pipe);
  g_clear_object (&proc->stderr_lines);
  g_clear_object (&proc->cancellable);
  g_queue_clear_full (&proc->out_queue, (GDestroyNotify) g_bytes_unref);
  if (proc->fd_channel >= 0)
    close (proc->fd_channel);
  g_free (proc->body);
  g_string_free (proc->stderr_tail, TRUE);
  g_free (proc);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RunnerProcess, process_unref)

/* The runner of a live process, or NULL when @proc is stale. */
static RetortPythonRunner *
process_get_runner (RunnerProcess *proc)
{
  if (proc->dead || proc->runner == NULL || proc->runner->process != proc)
    return NULL;

  return proc->runner;
}

static void
read_stderr_line_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(RunnerProcess) proc = user_data;
  g_autofree char *line = NULL;
  gsize length = 0;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result,
                                                    &length, NULL);
  if (line == NULL)
    return;

  /* The runner's diagnostics: logged, and the tail kept for error messages. */
  g_debug ("runner: %s", line);
  g_string_append (proc->stderr_tail, line);
  g_string_append_c (proc->stderr_tail, '\n');
  if (proc->stderr_tail->len > STDERR_TAIL_SIZE)
    g_string_erase (proc->stderr_tail, 0, proc->stderr_tail->len - STDERR_TAIL_SIZE);

  g_data_input_stream_read_line_async (proc->stderr_lines, G_PRIORITY_DEFAULT,
                                       proc->cancellable, read_stderr_line_cb,
                                       process_ref (proc));
}

static gboolean
startup_timeout_cb (gpointer user_data)
{
  RunnerProcess *proc = user_data;

  proc->startup_timeout_id = 0;
  process_fail (proc, _("it did not start within a minute"));

  return G_SOURCE_REMOVE;
}

static void
spawn_runner (RetortPythonRunner *self,
              RunnerProcess      *proc)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = NULL;
  static const char * const fd_channel_args[] = { "--fd-channel", "3", NULL };
  const char *font_cache = self->font_cache;
  int sockets[2] = { -1, -1 };

  if (font_cache != NULL && self->sandbox_mode == RETORT_PYTHON_SANDBOX_NONE)
    font_cache = NULL;

  /* Tables cross as descriptors on a socket that the runner gets as fd 3
   * (bubblewrap passes inherited descriptors on). Not through
   * flatpak-spawn, whose sandbox gets only what it forwards: there the
   * table files remain. */
  if (self->sandbox_mode != RETORT_PYTHON_SANDBOX_FLATPAK &&
      !retort_fd_socket_pair (sockets, &error))
    {
      g_debug ("tables cross as files: %s", error->message);
      g_clear_error (&error);
    }

  argv = _retort_python_sandbox_build_argv (self->sandbox_mode, self->sandbox_program,
                                            self->program,
                                            sockets[0] >= 0 ? fd_channel_args : NULL,
                                            self->session_dir, font_cache);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  if (sockets[0] >= 0)
    {
      g_subprocess_launcher_take_fd (launcher, sockets[1], 3);
      proc->fd_channel = sockets[0];
    }
  g_subprocess_launcher_setenv (launcher, "MPLBACKEND", "Agg", TRUE);
  if (self->sandbox_mode == RETORT_PYTHON_SANDBOX_NONE && self->font_cache != NULL)
    g_subprocess_launcher_setenv (launcher, "RETORT_MPL_CACHE", self->font_cache, TRUE);
  g_subprocess_launcher_set_cwd (launcher, self->session_dir);

  if (g_getenv ("RETORT_PYTHON_DEBUG_ARGV") != NULL)
    {
      g_autofree char *joined = g_strjoinv (" ", argv);

      g_message ("starting %s", joined);
    }

  proc->subprocess = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv, &error);
  if (proc->subprocess == NULL)
    {
      process_fail (proc, error->message);
      return;
    }

  proc->stdin_pipe = g_object_ref (g_subprocess_get_stdin_pipe (proc->subprocess));
  proc->stdout_pipe = g_object_ref (g_subprocess_get_stdout_pipe (proc->subprocess));
  proc->stderr_lines = g_data_input_stream_new (g_subprocess_get_stderr_pipe (proc->subprocess));

  g_debug ("started the Python runner %s (pid %s)", self->program,
           g_subprocess_get_identifier (proc->subprocess));

  proc->startup_timeout_id = g_timeout_add_seconds (STARTUP_TIMEOUT_S, startup_timeout_cb, proc);
  g_data_input_stream_read_line_async (proc->stderr_lines, G_PRIORITY_DEFAULT,
                                       proc->cancellable, read_stderr_line_cb,
                                       process_ref (proc));
  read_next_header (proc);
  /* Requests queued while the font cache was being prepared. */
  if (proc->out_queue.length > 0)
    process_send (proc, NULL);
}

static gboolean
font_cache_is_ready (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      if (g_str_has_prefix (name, "fontlist") && g_str_has_suffix (name, ".json"))
        return TRUE;
    }

  return FALSE;
}

static void
prepare_font_cache_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(RunnerProcess) proc = user_data;
  g_autoptr(GError) error = NULL;
  RetortPythonRunner *self;

  if (!g_subprocess_wait_check_finish (G_SUBPROCESS (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_message ("Cannot prepare matplotlib's font cache: %s", error->message);
    }

  self = process_get_runner (proc);
  if (self == NULL)
    return;

  /* Without a cache matplotlib still works, it only rebuilds it each run. */
  if (!font_cache_is_ready (self->font_cache))
    g_clear_pointer (&self->font_cache, g_free);

  spawn_runner (self, proc);
}

/* matplotlib scans every font on first use (a second or more); in the
 * sandbox, where nothing persists, that would be every run. The cache is
 * built once, unconfined, and handed in read-only. */
static gboolean
start_font_cache (RetortPythonRunner *self,
                  RunnerProcess      *proc)
{
  g_autoptr(GSubprocess) prepare = NULL;
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&self->font_cache, g_free);
  if (self->sandbox_mode == RETORT_PYTHON_SANDBOX_NONE)
    return FALSE;

  self->font_cache = g_build_filename (g_get_user_cache_dir (), "retort", "matplotlib", NULL);
  if (font_cache_is_ready (self->font_cache))
    return FALSE;

  if (g_mkdir_with_parents (self->font_cache, 0700) != 0)
    {
      int saved_errno = errno;

      g_warning ("Cannot create %s: %s", self->font_cache, g_strerror (saved_errno));
      g_clear_pointer (&self->font_cache, g_free);
      return FALSE;
    }

  prepare = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                              self->program, "--prepare-font-cache", self->font_cache, NULL);
  if (prepare == NULL)
    {
      g_warning ("Cannot prepare matplotlib's font cache: %s", error->message);
      g_clear_pointer (&self->font_cache, g_free);
      return FALSE;
    }

  g_subprocess_wait_check_async (prepare, proc->cancellable, prepare_font_cache_cb,
                                 process_ref (proc));
  return TRUE;
}

static gboolean
ensure_session_dir (RetortPythonRunner  *self,
                    GError             **error)
{
  if (!self->sandbox_chosen)
    {
      self->sandbox_mode = _retort_python_sandbox_choose (self->sandbox_enabled,
                                                          &self->sandbox_program);
      self->sandbox_chosen = TRUE;
    }

  if (self->session_dir != NULL)
    return TRUE;

  if (self->sandbox_mode == RETORT_PYTHON_SANDBOX_FLATPAK)
    {
      /* The app's private /tmp cannot be shared with a flatpak-spawn sandbox;
       * its runtime directory can. */
      g_autofree char *base = g_build_filename (g_get_user_runtime_dir (), "app",
                                                g_getenv ("FLATPAK_ID"), NULL);
      g_autofree char *template = g_build_filename (base, "retort-python-XXXXXX", NULL);

      if (g_mkdir_with_parents (base, 0700) == 0 && g_mkdtemp (template) != NULL)
        self->session_dir = g_steal_pointer (&template);
    }

  /* Tables cross to the runner as files: in memory (tmpfs) they cost a
   * copy, on disk a copy plus writeback. */
  if (self->session_dir == NULL)
    {
      const char *runtime_dir = g_getenv ("XDG_RUNTIME_DIR");
      const char *bases[] = { runtime_dir, "/dev/shm" };

      for (guint i = 0; i < G_N_ELEMENTS (bases) && self->session_dir == NULL; i++)
        {
          g_autofree char *template = NULL;

          if (bases[i] == NULL || !g_file_test (bases[i], G_FILE_TEST_IS_DIR) ||
              access (bases[i], W_OK) != 0)
            continue;
          template = g_build_filename (bases[i], "retort-python-XXXXXX", NULL);
          if (g_mkdtemp (template) != NULL)
            self->session_dir = g_steal_pointer (&template);
        }
    }

  if (self->session_dir == NULL)
    self->session_dir = g_dir_make_tmp ("retort-python-XXXXXX", error);

  return self->session_dir != NULL;
}

static void
ensure_process (RetortPythonRunner *self)
{
  RunnerProcess *proc;

  if (self->process != NULL)
    return;

  proc = g_new0 (RunnerProcess, 1);
  g_atomic_ref_count_init (&proc->ref_count);
  proc->runner = self;
  proc->cancellable = g_cancellable_new ();
  proc->stderr_tail = g_string_new (NULL);
  proc->fd_channel = -1;
  g_queue_init (&proc->out_queue);
  self->process = proc;

  if (!start_font_cache (self, proc))
    spawn_runner (self, proc);
}

/* Frames @builder's object and queues it; with NULL, only writes what is queued. */
static void write_next (RunnerProcess *proc);

static void
write_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(RunnerProcess) proc = user_data;
  g_autoptr(GError) error = NULL;

  proc->writing = FALSE;
  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        process_fail (proc, error->message);
      return;
    }

  g_bytes_unref (g_queue_pop_head (&proc->out_queue));
  write_next (proc);
}

static void
write_next (RunnerProcess *proc)
{
  GBytes *message;

  if (proc->writing || proc->dead || proc->stdin_pipe == NULL)
    return;

  message = g_queue_peek_head (&proc->out_queue);
  if (message == NULL)
    return;

  proc->writing = TRUE;
  g_output_stream_write_all_async (proc->stdin_pipe,
                                   g_bytes_get_data (message, NULL),
                                   g_bytes_get_size (message),
                                   G_PRIORITY_DEFAULT, proc->cancellable,
                                   write_cb, process_ref (proc));
}

static void
process_send (RunnerProcess *proc,
              JsonBuilder   *builder)
{
  if (builder != NULL)
    {
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) root = json_builder_get_root (builder);
      g_autofree char *json = NULL;
      gsize length = 0;
      guint8 *framed;
      guint32 size;

      json_generator_set_root (generator, root);
      json_generator_set_pretty (generator, FALSE);
      json_generator_set_indent (generator, 0);
      json_generator_set_indent_char (generator, ' ');
      json = json_generator_to_data (generator, &length);

      size = GUINT32_TO_LE ((guint32) length);
      framed = g_malloc (length + 4);
      memcpy (framed, &size, 4);
      memcpy (framed + 4, json, length);
      g_queue_push_tail (&proc->out_queue, g_bytes_new_take (framed, length + 4));
    }

  write_next (proc);
}

/* Runs --------------------------------------------------------------------- */

static void
close_fd_element (gpointer data)
{
  close (*(int *) data);
}

static void
run_op_free (RunOp *op)
{
  g_assert (op->cancel_source == NULL);
  g_assert (op->cancel_timeout_id == 0);
  g_assert (op->watchdog_id == 0);

  retort_script_job_unref (op->job);
  g_free (op->run_dir);
  g_free (op->script_path);
  g_free (op->work_dir);
  g_free (op->bundle_dir);
  g_free (op->input_paths[0]);
  g_free (op->input_paths[1]);
  g_free (op->result_path);
  g_clear_pointer (&op->sent_fds, g_array_unref);
  g_clear_pointer (&op->result_fds, g_array_unref);
  g_string_free (op->console, TRUE);
  g_clear_pointer (&op->event, json_object_unref);
  g_clear_pointer (&op->table, retort_table_unref);
  g_clear_pointer (&op->images, g_ptr_array_unref);
  g_clear_error (&op->finish_error);
  g_clear_error (&op->pending_error);
  g_free (op);
}

static void
op_clear_timers (RunOp *op)
{
  if (op->cancel_source != NULL)
    {
      g_source_destroy (op->cancel_source);
      g_clear_pointer (&op->cancel_source, g_source_unref);
    }
  g_clear_handle_id (&op->cancel_timeout_id, g_source_remove);
  g_clear_handle_id (&op->watchdog_id, g_source_remove);
}

/* Gives the caller its outcome (once); the run's own bookkeeping — the
 * runner's confirmation, deleting the run directory — may go on after. */
static void
op_return_error (GTask  *task,
                 GError *error)
{
  RunOp *op = g_task_get_task_data (task);

  if (op->returned)
    {
      g_error_free (error);
      return;
    }

  op->returned = TRUE;
  g_task_return_error (task, error);
}

static void
op_return_cancelled (GTask *task)
{
  op_return_error (task, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                              _("The Python script was cancelled")));
}

/* The run is over for the runner too: free the slot for the next one. */
static void
op_release (GTask *task)
{
  RetortPythonRunner *self = g_task_get_source_object (task);
  RunOp *op = g_task_get_task_data (task);

  op_clear_timers (op);
  op->state = OP_DONE;
  if (op->pending_error != NULL)
    op_return_error (task, g_steal_pointer (&op->pending_error));
  if (self->current == task)
    {
      self->current = NULL;
      g_object_unref (task);
    }

  advance (self);
}

static void
cleanup_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  RunOp *op = task_data;
  g_autoptr(GError) error = NULL;

  if (op->run_dir != NULL && !_retort_python_delete_tree (op->run_dir, &error))
    g_warning ("%s", error->message);

  g_task_return_boolean (task, TRUE);
}

static void
cleanup_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  op_release (task);
}

/* Deletes the run directory in a thread, then releases the slot. */
static void
op_cleanup (GTask *task)
{
  RunOp *op = g_task_get_task_data (task);
  g_autoptr(GTask) cleanup = g_task_new (NULL, NULL, cleanup_cb, g_object_ref (task));

  op_clear_timers (op);
  op->state = OP_FINISHING;
  g_task_set_source_tag (cleanup, op_cleanup);
  g_task_set_task_data (cleanup, op, NULL);
  g_task_run_in_thread (cleanup, cleanup_thread);
}

/* Fails the run once its directory is deleted: a caller that quits when
 * the run completes (retort script) then leaves nothing behind. */
static void
op_fail (GTask  *task,
         GError *error)
{
  RunOp *op = g_task_get_task_data (task);

  if (op->returned || op->pending_error != NULL)
    g_error_free (error);
  else
    op->pending_error = error;

  op_cleanup (task);
}

static gboolean table_has_fds (RetortTable *table);

/* In the preparing thread: moving buffers into memfds, or writing the
 * file, may copy a lot. */
static gboolean
write_input (RunOp    *op,
             guint     port,
             GError  **error)
{
  RetortTable *table = retort_script_job_get_input (op->job, port);

  if (table == NULL || (op->use_fds && table_has_fds (table)))
    return TRUE;
  op->input_written[port - 1] = TRUE;
  return retort_table_write_file (table, op->input_paths[port - 1], error);
}

/* Whether every buffer of @table lies in a descriptor or can (a large
 * anonymous one moves into a memfd, once: CSV import's buffers), so that
 * it can cross to the runner without a copy. */
static gboolean
table_has_fds (RetortTable *table)
{
  /* Nothing is moved unless everything can be. */
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < retort_table_get_n_columns (table); i++)
      {
        RetortColumn *column = retort_table_get_column (table, i);
        RetortBuffer *buffers[] = {
          retort_column_get_validity_buffer (column),
          retort_column_get_values_buffer (column),
          retort_column_get_data_buffer (column),
        };

        for (guint j = 0; j < G_N_ELEMENTS (buffers); j++)
          {
            if (buffers[j] == NULL)
              continue;
            if (pass == 0 && buffers[j]->fd < 0 && buffers[j]->kind != BUFFER_MAPPED)
              return FALSE;
            if (pass == 1 && retort_buffer_get_fd (buffers[j], NULL) < 0)
              return FALSE;
          }
      }

  return TRUE;
}

static void
add_region (JsonBuilder  *builder,
            const char   *member,
            RetortBuffer *buffer,
            gsize         size,
            GArray       *fds)
{
  guint64 offset = 0;
  int fd = buffer != NULL ? retort_buffer_get_fd (buffer, &offset) : -1;
  guint index;

  json_builder_set_member_name (builder, member);
  if (fd < 0)
    {
      json_builder_add_null_value (builder);
      return;
    }

  /* A descriptor goes once however many regions lie in it. */
  for (index = 0; index < fds->len; index++)
    if (g_array_index (fds, int, index) == fd)
      break;
  if (index == fds->len)
    g_array_append_val (fds, fd);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "fd");
  json_builder_add_int_value (builder, index);
  json_builder_set_member_name (builder, "offset");
  json_builder_add_int_value (builder, (gint64) offset);
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, (gint64) size);
  json_builder_end_object (builder);
}

/* doc/runner-protocol.md, "Descriptors": where each buffer lies. */
static JsonNode *
build_descriptor (RetortTable *table,
                  GArray      *fds)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gsize n_rows = retort_table_get_n_rows (table);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "rows");
  json_builder_add_int_value (builder, (gint64) n_rows);
  json_builder_set_member_name (builder, "columns");
  json_builder_begin_array (builder);
  for (guint i = 0; i < retort_table_get_n_columns (table); i++)
    {
      RetortColumn *column = retort_table_get_column (table, i);
      RetortColumnType type = retort_column_get_data_type (column);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, retort_table_get_column_name (table, i));
      json_builder_set_member_name (builder, "type");
      json_builder_add_string_value (builder, retort_column_type_to_string (type));
      json_builder_set_member_name (builder, "null_count");
      json_builder_add_int_value (builder, (gint64) retort_column_get_null_count (column));
      add_region (builder, "validity", retort_column_get_validity_buffer (column),
                  (n_rows + 7) / 8, fds);
      add_region (builder, "values", retort_column_get_values_buffer (column),
                  type == RETORT_COLUMN_TYPE_STRING ? (n_rows + 1) * sizeof (gint64)
                                                    : n_rows * _retort_column_type_width (type),
                  fds);
      add_region (builder, "data", retort_column_get_data_buffer (column),
                  type == RETORT_COLUMN_TYPE_STRING
                    ? (gsize) retort_column_get_string_offsets (column)[n_rows] : 0,
                  fds);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* Everything the run needs on disk, written before `run` is sent: the
 * script, the input tables, an empty working directory and the bundle. */
static void
prepare_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  RunOp *op = task_data;
  const char *script = retort_script_job_get_script (op->job);
  const char *bundle = retort_script_job_get_bundle (op->job);
  GError *error = NULL;

  if (g_mkdir (op->run_dir, 0700) != 0 || g_mkdir (op->work_dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_task_return_new_error (task, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                               _("Cannot create the run directory “%s”: %s"),
                               op->run_dir, g_strerror (saved_errno));
      return;
    }

  if (!g_file_set_contents_full (op->script_path, script, -1, G_FILE_SET_CONTENTS_NONE,
                                 0600, &error) ||
      !write_input (op, 1, &error) ||
      !write_input (op, 2, &error) ||
      (bundle != NULL &&
       !_retort_script_bundle_extract (bundle, op->bundle_dir,
                                       retort_script_job_get_bundle_max_size (op->job),
                                       retort_script_job_get_bundle_max_files (op->job),
                                       &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
prepare_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RetortPythonRunner *self = g_task_get_source_object (task);
  RunOp *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      op_fail (task, g_steal_pointer (&error));
      return;
    }

  if (op->returned)
    {
      /* Cancelled while the files were written. */
      op_cleanup (task);
      return;
    }

  op->state = OP_PREPARED;
  advance (self);
}

static gboolean
watchdog_cb (gpointer user_data)
{
  GTask *task = user_data;
  RetortPythonRunner *self = g_task_get_source_object (task);
  RunOp *op = g_task_get_task_data (task);

  op->watchdog_id = 0;
  op_return_error (task, g_error_new (RETORT_PYTHON_ERROR, RETORT_PYTHON_ERROR_RUNNER,
                                      _("The Python runner did not stop the script after its "
                                        "time limit of %u s"),
                                      retort_script_job_get_timeout (op->job)));
  if (self->process != NULL)
    process_fail (self->process, _("it did not enforce the time limit"));

  return G_SOURCE_REMOVE;
}

static void
add_path_or_null (JsonBuilder *builder,
                  const char  *path)
{
  if (path != NULL)
    json_builder_add_string_value (builder, path);
  else
    json_builder_add_null_value (builder);
}

static void
send_run (RetortPythonRunner *self,
          GTask              *task)
{
  RunOp *op = g_task_get_task_data (task);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  guint timeout_s = retort_script_job_get_timeout (op->job);
  g_autoptr(GArray) fds = g_array_new (FALSE, FALSE, sizeof (int));
  JsonNode *inputs[2] = { NULL, NULL };

  for (guint port = 1; port <= 2; port++)
    {
      RetortTable *table = retort_script_job_get_input (op->job, port);
      g_autoptr(GError) error = NULL;

      if (table == NULL || op->input_written[port - 1])
        continue;
      /* A runner without the descriptor channel (an older one, say) still
       * gets files; written here, as it is the rare case. */
      if (!self->process->fd_passing)
        {
          if (!retort_table_write_file (table, op->input_paths[port - 1], &error))
            {
              g_clear_pointer (&inputs[0], json_node_unref);
              op_fail (task, g_steal_pointer (&error));
              return;
            }
          op->input_written[port - 1] = TRUE;
          continue;
        }
      inputs[port - 1] = build_descriptor (table, fds);
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "run");
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, op->id);
  json_builder_set_member_name (builder, "script");
  json_builder_add_string_value (builder, op->script_path);
  json_builder_set_member_name (builder, "script_name");
  json_builder_add_string_value (builder, retort_script_job_get_script_name (op->job));
  json_builder_set_member_name (builder, "workdir");
  json_builder_add_string_value (builder, op->work_dir);
  json_builder_set_member_name (builder, "inputs");
  json_builder_begin_array (builder);
  for (guint port = 1; port <= 2; port++)
    {
      if (inputs[port - 1] != NULL)
        json_builder_add_value (builder, inputs[port - 1]);
      else
        add_path_or_null (builder, retort_script_job_get_input (op->job, port) != NULL ?
                                   op->input_paths[port - 1] : NULL);
    }
  json_builder_end_array (builder);
  if (fds->len > 0)
    {
      json_builder_set_member_name (builder, "fds");
      json_builder_add_int_value (builder, fds->len);
    }
  json_builder_set_member_name (builder, "bundle");
  add_path_or_null (builder, op->bundle_dir);
  json_builder_set_member_name (builder, "result");
  json_builder_add_string_value (builder, op->result_path);
  json_builder_set_member_name (builder, "timeout_ms");
  json_builder_add_int_value (builder, (gint64) timeout_s * 1000);
  json_builder_set_member_name (builder, "memory_mb");
  json_builder_add_int_value (builder, retort_script_job_get_memory_limit (op->job));
  json_builder_set_member_name (builder, "console_limit");
  json_builder_add_int_value (builder, retort_script_job_get_console_limit (op->job));
  json_builder_end_object (builder);

  op->state = OP_SENT;
  op->started = FALSE;
  op->sent_time = g_get_monotonic_time ();
  op->attempts++;
  g_clear_handle_id (&op->watchdog_id, g_source_remove);
  op->watchdog_id = g_timeout_add_seconds (timeout_s + WATCHDOG_SLACK_S, watchdog_cb, task);

  /* The descriptors go first: they are queued on the socket when the
   * runner reads the request that counts them. */
  if (fds->len > 0)
    {
      g_autoptr(GError) error = NULL;

      if (!retort_fd_send (self->process->fd_channel, (const int *) fds->data, fds->len, &error))
        {
          process_fail (self->process, error->message);
          return;
        }
    }
  g_clear_pointer (&op->sent_fds, g_array_unref);
  op->sent_fds = g_steal_pointer (&fds);

  process_send (self->process, builder);
}

static void
send_cancel (RetortPythonRunner *self,
             guint               id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "cancel");
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, id);
  json_builder_end_object (builder);

  process_send (self->process, builder);
}

static gboolean
cancel_timeout_cb (gpointer user_data)
{
  GTask *task = user_data;
  RetortPythonRunner *self = g_task_get_source_object (task);
  RunOp *op = g_task_get_task_data (task);

  /* The runner did not confirm in time: take it down with the script. */
  op->cancel_timeout_id = 0;
  g_debug ("the runner did not confirm the cancellation of run %u; killing it", op->id);
  if (self->process != NULL)
    process_fail (self->process, _("it did not confirm a cancellation"));

  return G_SOURCE_REMOVE;
}

static gboolean
cancelled_cb (GCancellable *cancellable,
              gpointer      user_data)
{
  GTask *task = user_data;
  RetortPythonRunner *self = g_task_get_source_object (task);
  RunOp *op = g_task_get_task_data (task);

  g_clear_pointer (&op->cancel_source, g_source_unref);

  switch (op->state)
    {
    case OP_QUEUED:
      g_queue_remove (&self->pending, task);
      op_return_cancelled (task);
      op->state = OP_DONE;
      g_object_unref (task);
      break;

    case OP_PREPARING:
      /* prepare_cb cleans up. */
      op_return_cancelled (task);
      break;

    case OP_PREPARED:
      op_return_cancelled (task);
      op_cleanup (task);
      break;

    case OP_SENT:
      /* Completes when the runner confirms (or is killed): the script is
       * really stopped by then, and the next run finds the runner idle. */
      if (!op->cancel_sent && self->process != NULL)
        {
          op->cancel_sent = TRUE;
          send_cancel (self, op->id);
          op->cancel_timeout_id = g_timeout_add (CANCEL_GRACE_MS, cancel_timeout_cb, task);
        }
      break;

    case OP_FINISHING:
    case OP_DONE:
    default:
      break;
    }

  return G_SOURCE_REMOVE;
}

/* A source, not a signal handler: cancelling from another thread still
 * settles the run in the main context of the task. */
static void
op_watch_cancellable (GTask *task)
{
  RunOp *op = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (cancellable == NULL)
    return;

  op->cancel_source = g_cancellable_source_new (cancellable);
  g_source_set_callback (op->cancel_source, (GSourceFunc) (void (*) (void)) cancelled_cb,
                         task, NULL);
  g_source_attach (op->cancel_source, g_task_get_context (task));
}

static void
finish_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable);

static void
finish_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data);

/* A terminal event (`result` or `error`) for the current run arrived. */
static void
op_finish (GTask      *task,
           JsonObject *event)
{
  RunOp *op = g_task_get_task_data (task);
  g_autoptr(GTask) finish = g_task_new (NULL, NULL, finish_cb, g_object_ref (task));

  op_clear_timers (op);
  op->state = OP_FINISHING;
  op->event = json_object_ref (event);

  g_task_set_source_tag (finish, op_finish);
  g_task_set_task_data (finish, op, NULL);
  g_task_run_in_thread (finish, finish_thread);
}

static const char *
event_string (JsonObject *event,
              const char *name)
{
  JsonNode *node = json_object_get_member (event, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static gint64
event_int (JsonObject *event,
           const char *name,
           gint64      fallback)
{
  JsonNode *node = json_object_get_member (event, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return fallback;

  return json_node_get_int (node);
}

/* A path the runner named must lie inside this run's directory, links
 * resolved: a script can leave a link to anything in its working dir. */
static char *
resolve_inside (const char *path,
                const char *run_dir)
{
  g_autofree char *real = realpath (path, NULL);
  g_autofree char *real_dir = realpath (run_dir, NULL);

  if (real == NULL || real_dir == NULL)
    return NULL;
  if (!g_str_has_prefix (real, real_dir) || real[strlen (real_dir)] != '/')
    return NULL;

  return g_steal_pointer (&real);
}

static GBytes *
read_png (const char  *path,
          const char  *run_dir,
          GError     **error)
{
  static const guint8 png_signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autofree char *real = resolve_inside (path, run_dir);
  g_autofree char *data = NULL;
  struct stat st;
  gsize done = 0;
  int fd;

  if (real == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                   "%s is not inside the run directory", path);
      return NULL;
    }

  fd = open (real, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 || fstat (fd, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size > MAX_IMAGE_SIZE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s is not a readable image", path);
      if (fd >= 0)
        close (fd);
      return NULL;
    }

  data = g_malloc (st.st_size > 0 ? st.st_size : 1);
  while (done < (gsize) st.st_size)
    {
      ssize_t n = read (fd, data + done, st.st_size - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      done += n;
    }
  close (fd);

  if (done < sizeof png_signature || memcmp (data, png_signature, sizeof png_signature) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s is not a PNG image", path);
      return NULL;
    }

  return g_bytes_new_take (g_steal_pointer (&data), done);
}

static gboolean
read_region (JsonObject        *column,
             const char        *member,
             GArray            *fds,
             guint              n_received,
             RunOp             *op,
             RetortTableRegion *region)
{
  JsonNode *node = json_object_get_member (column, member);
  JsonObject *object;
  gint64 index, offset, size;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;
  object = json_node_get_object (node);
  offset = event_int (object, "offset", -1);
  size = event_int (object, "size", -1);
  if (offset < 0 || size < 0)
    return FALSE;
  region->offset = (guint64) offset;
  region->size = (guint64) size;
  /* An empty region (an empty column) needs no descriptor. */
  region->fd_index = 0;
  if (size == 0)
    return TRUE;

  index = event_int (object, "fd", -1);
  if (index >= 0)
    {
      if (index >= n_received)
        return FALSE;
      region->fd_index = (guint) index;
      return TRUE;
    }

  /* Data the script did not touch: the client's own input descriptor. */
  index = event_int (object, "input_fd", -1);
  if (index < 0 || op->sent_fds == NULL || index >= op->sent_fds->len)
    return FALSE;
  {
    int fd = fcntl (g_array_index (op->sent_fds, int, index), F_DUPFD_CLOEXEC, 3);

    if (fd < 0)
      return FALSE;
    g_array_append_val (fds, fd);
    region->fd_index = fds->len - 1;
  }
  return TRUE;
}

/* A result table sent as descriptors: the runner's memfds are mapped where
 * they lie, once they are sealed (nothing the script left running can
 * change them after they are checked). */
static RetortTable *
map_result (RunOp       *op,
            JsonObject  *descriptor,
            GError     **error)
{
  g_autoptr(GArray) fds = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GArray) columns = g_array_new (FALSE, TRUE, sizeof (RetortTableColumnRegions));
  JsonNode *columns_node = json_object_get_member (descriptor, "columns");
  gint64 n_rows = event_int (descriptor, "rows", -1);
  guint n_received = op->result_fds != NULL ? op->result_fds->len : 0;
  const char *problem = NULL;
  JsonArray *array;

  for (guint i = 0; i < n_received; i++)
    {
      int fd = g_array_index (op->result_fds, int, i);
      int seals = fcntl (fd, F_GET_SEALS);

      if (seals < 0 || (seals & (F_SEAL_WRITE | F_SEAL_SHRINK)) != (F_SEAL_WRITE | F_SEAL_SHRINK))
        problem = "a descriptor is not sealed";
      else if ((fd = fcntl (fd, F_DUPFD_CLOEXEC, 3)) < 0)
        problem = g_strerror (errno);
      if (problem != NULL)
        break;
      g_array_append_val (fds, fd);
    }

  if (problem == NULL && (n_rows < 0 || columns_node == NULL || !JSON_NODE_HOLDS_ARRAY (columns_node)))
    problem = "it has no rows or columns";

  array = problem == NULL ? json_node_get_array (columns_node) : NULL;
  for (guint i = 0; problem == NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *column = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      RetortTableColumnRegions regions = { 0 };
      JsonNode *validity, *data;

      if (column == NULL || (regions.name = event_string (column, "name")) == NULL ||
          event_string (column, "type") == NULL ||
          !retort_column_type_from_string (event_string (column, "type"), &regions.type) ||
          !read_region (column, "values", fds, n_received, op, &regions.values))
        {
          problem = "a column is not described";
          break;
        }
      validity = json_object_get_member (column, "validity");
      data = json_object_get_member (column, "data");
      regions.has_validity = validity != NULL && !JSON_NODE_HOLDS_NULL (validity);
      if ((regions.has_validity &&
           !read_region (column, "validity", fds, n_received, op, &regions.validity)) ||
          (regions.type == RETORT_COLUMN_TYPE_STRING &&
           !read_region (column, "data", fds, n_received, op, &regions.data)) ||
          (regions.type != RETORT_COLUMN_TYPE_STRING && data != NULL && !JSON_NODE_HOLDS_NULL (data)))
        {
          problem = "a column's regions are not described";
          break;
        }
      g_array_append_val (columns, regions);
    }

  if (problem != NULL)
    {
      for (guint i = 0; i < fds->len; i++)
        close (g_array_index (fds, int, i));
      g_set_error (error, RETORT_PYTHON_ERROR, RETORT_PYTHON_ERROR_RUNNER,
                   _("The Python runner sent a damaged result table: %s"), problem);
      return NULL;
    }

  {
    g_autoptr(GError) map_error = NULL;
    RetortTable *table = retort_table_map_regions ((guint64) n_rows, columns->len,
                                                   (const RetortTableColumnRegions *) columns->data,
                                                   (const int *) fds->data, fds->len,
                                                   RETORT_TABLE_FILE_READ_ONLY, &map_error);

    if (table == NULL)
      g_set_error (error, RETORT_PYTHON_ERROR, RETORT_PYTHON_ERROR_RUNNER,
                   _("The Python runner sent a damaged result table: %s"), map_error->message);
    return table;
  }
}

/* Reads what the run produced into memory (the table stays mapped: the
 * mapping outlives the file) and deletes the run directory. */
static void
finish_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  RunOp *op = task_data;
  const char *type = event_string (op->event, "type");
  g_autoptr(GError) error = NULL;

  op->images = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  if (g_strcmp0 (type, "result") == 0)
    {
      JsonNode *table = json_object_get_member (op->event, "table");
      JsonNode *images = json_object_get_member (op->event, "images");

      if (table != NULL && JSON_NODE_HOLDS_OBJECT (table))
        {
          op->table = map_result (op, json_node_get_object (table), &op->finish_error);
        }
      else if (table != NULL && !JSON_NODE_HOLDS_NULL (table))
        {
          const char *path = event_string (op->event, "table");
          g_autofree char *real = path != NULL ? resolve_inside (path, op->run_dir) : NULL;
          struct stat st;

          if (real == NULL || lstat (real, &st) != 0 || !S_ISREG (st.st_mode))
            op->finish_error = g_error_new (RETORT_PYTHON_ERROR, RETORT_PYTHON_ERROR_RUNNER,
                                            _("The Python runner named no readable result table"));
          else
            op->table = retort_table_read_file (real, &op->finish_error);
        }

      if (images != NULL && JSON_NODE_HOLDS_ARRAY (images))
        {
          JsonArray *array = json_node_get_array (images);

          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              JsonNode *node = json_array_get_element (array, i);
              g_autoptr(GError) image_error = NULL;
              GBytes *png;

              if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
                continue;
              png = read_png (json_node_get_string (node), op->run_dir, &image_error);
              if (png != NULL)
                g_ptr_array_add (op->images, png);
              else
                g_warning ("Skipping an image of the Python script: %s", image_error->message);
            }
        }
    }

  if (!_retort_python_delete_tree (op->run_dir, &error))
    g_warning ("%s", error->message);

  g_task_return_boolean (task, TRUE);
}

static void
finish_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  RunOp *op = g_task_get_task_data (task);
  const char *type = event_string (op->event, "type");
  const char *kind = event_string (op->event, "kind");
  guint64 elapsed_ms = (g_get_monotonic_time () - op->sent_time) / 1000;

  elapsed_ms = event_int (op->event, "elapsed_ms", elapsed_ms);

  if (op->finish_error != NULL)
    op_return_error (task, g_steal_pointer (&op->finish_error));
  else if (g_strcmp0 (type, "result") == 0)
    {
      if (!op->returned)
        {
          op->returned = TRUE;
          g_task_return_pointer (task,
                                 _retort_script_result_new (op->table, g_steal_pointer (&op->images),
                                                            op->console->str, elapsed_ms, NULL),
                                 (GDestroyNotify) retort_script_result_unref);
        }
    }
  else if (g_strcmp0 (kind, "cancelled") == 0 || op->cancel_sent)
    op_return_cancelled (task);
  else if (_retort_python_error_from_kind (kind) >= 0)
    {
      if (!op->returned)
        {
          op->returned = TRUE;
          g_task_return_pointer (task,
                                 _retort_script_result_new (NULL, g_steal_pointer (&op->images),
                                                            op->console->str, elapsed_ms, op->event),
                                 (GDestroyNotify) retort_script_result_unref);
        }
    }
  else
    {
      const char *text = event_string (op->event, "text");

      op_return_error (task, g_error_new (RETORT_PYTHON_ERROR, RETORT_PYTHON_ERROR_RUNNER,
                                          _("The Python runner failed (%s): %s"),
                                          kind != NULL ? kind : "?", text != NULL ? text : ""));
    }

  op_release (task);
}

static void
op_console (RetortPythonRunner *self,
            GTask              *task,
            const char         *stream,
            const char         *text)
{
  RunOp *op = g_task_get_task_data (task);
  gsize limit = retort_script_job_get_console_limit (op->job) + CONSOLE_SLACK;

  if (op->console_capped || op->returned)
    return;

  if (op->console->len + strlen (text) > limit)
    {
      const char *end = NULL;
      gsize room = limit > op->console->len ? limit - op->console->len : 0;
      g_autoptr(GString) chunk = g_string_new (NULL);

      /* Cut on a character boundary. */
      g_utf8_validate_len (text, room, &end);
      g_string_append_len (chunk, text, end - text);
      g_string_append (chunk, _("\n[console output stopped: the limit was reached]\n"));
      g_string_append (op->console, chunk->str);
      op->console_capped = TRUE;
      g_signal_emit (self, signals[CONSOLE], 0, stream, chunk->str);
      return;
    }

  g_string_append (op->console, text);
  g_signal_emit (self, signals[CONSOLE], 0, stream, text);
}

static void
dispatch (RunnerProcess *proc,
          JsonObject    *message)
{
  RetortPythonRunner *self = process_get_runner (proc);
  const char *type = event_string (message, "type");
  gint64 n_fds = event_int (message, "fds", 0);
  g_autoptr(GArray) fds = NULL;
  GTask *task;
  RunOp *op;

  if (self == NULL)
    return;

  /* Descriptors that came with the event were sent before it: take them
   * off the socket now, whoever the event is for. */
  if (n_fds != 0)
    {
      g_autoptr(GError) error = NULL;

      if (n_fds < 0 || n_fds > 65536 || proc->fd_channel < 0)
        {
          process_fail (proc, _("it announced descriptors it cannot send"));
          return;
        }
      fds = g_array_sized_new (FALSE, FALSE, sizeof (int), (guint) n_fds);
      g_array_set_clear_func (fds, close_fd_element);
      g_array_set_size (fds, (guint) n_fds);
      if (!retort_fd_receive (proc->fd_channel, (int *) fds->data, (guint) n_fds, &error))
        {
          g_array_set_size (fds, 0);
          process_fail (proc, error->message);
          return;
        }
    }

  if (g_strcmp0 (type, "hello") == 0)
    {
      gint64 protocol = event_int (message, "protocol", -1);
      JsonNode *fd_passing = json_object_get_member (message, "fd_passing");

      g_clear_handle_id (&proc->startup_timeout_id, g_source_remove);
      if (protocol != PROTOCOL_VERSION)
        {
          g_autofree char *reason = g_strdup_printf (_("it speaks protocol %" G_GINT64_FORMAT
                                                       ", not %d"), protocol, PROTOCOL_VERSION);
          process_fail (proc, reason);
          return;
        }

      g_debug ("runner ready: Python %s, numpy %s, pandas %s, matplotlib %s",
               event_string (message, "python"), event_string (message, "numpy"),
               event_string (message, "pandas"), event_string (message, "matplotlib"));
      proc->ready = TRUE;
      proc->fd_passing = proc->fd_channel >= 0 && fd_passing != NULL &&
                         JSON_NODE_HOLDS_VALUE (fd_passing) &&
                         json_node_get_value_type (fd_passing) == G_TYPE_BOOLEAN &&
                         json_node_get_boolean (fd_passing);
      advance (self);
      return;
    }

  if (!proc->ready)
    {
      const char *text = event_string (message, "text");

      /* A runner that cannot import its modules says why in an error. */
      process_fail (proc, g_strcmp0 (type, "error") == 0 && text != NULL ?
                          text : _("it sent a message before its hello"));
      return;
    }

  /* Answers to check and complete come between a run's events. */
  if (query_answer (self, message))
    return;

  task = self->current;
  op = task != NULL ? g_task_get_task_data (task) : NULL;
  if (op == NULL || op->state != OP_SENT || event_int (message, "id", -1) != op->id)
    {
      /* Events of a run already given up (cancelled and killed) and
       * errors about no run in particular. */
      g_debug ("ignoring a “%s” event from the runner (%s)", type,
               event_string (message, "text") != NULL ? event_string (message, "text") : "");
      return;
    }

  if (g_strcmp0 (type, "started") == 0)
    op->started = TRUE;
  else if (g_strcmp0 (type, "stdout") == 0 || g_strcmp0 (type, "stderr") == 0)
    {
      const char *text = event_string (message, "text");

      if (text != NULL)
        op_console (self, task, type, text);
    }
  else if (g_strcmp0 (type, "result") == 0 || g_strcmp0 (type, "error") == 0)
    {
      g_clear_pointer (&op->result_fds, g_array_unref);
      op->result_fds = g_steal_pointer (&fds);
      op_finish (task, message);
    }
  else
    g_debug ("ignoring an unknown “%s” event from the runner", type);
}

static void
read_body_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(RunnerProcess) proc = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autofree guint8 *body = NULL;
  gsize n_read = 0;
  JsonNode *root;

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (object), result, &n_read, &error) ||
      n_read < proc->body_size)
    {
      if (error == NULL || !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        process_fail (proc, error != NULL ? error->message : _("it closed its output"));
      return;
    }

  body = g_steal_pointer (&proc->body);
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, (const char *) body, n_read, &error) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      process_fail (proc, _("it sent a message that is not a JSON object"));
      return;
    }

  dispatch (proc, json_node_get_object (root));

  if (!proc->dead)
    read_next_header (proc);
}

static void
read_header_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(RunnerProcess) proc = user_data;
  g_autoptr(GError) error = NULL;
  gsize n_read = 0;
  guint32 size;

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (object), result, &n_read, &error) ||
      n_read < sizeof proc->header)
    {
      if (error == NULL || !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        process_fail (proc, error != NULL ? error->message : _("it stopped"));
      return;
    }

  memcpy (&size, proc->header, sizeof size);
  size = GUINT32_FROM_LE (size);
  if (size == 0 || size > MAX_MESSAGE_SIZE)
    {
      g_autofree char *reason = g_strdup_printf (_("it sent a message of %u bytes"), size);

      process_fail (proc, reason);
      return;
    }

  proc->body_size = size;
  proc->body = g_malloc (size);
  g_input_stream_read_all_async (proc->stdout_pipe, proc->body, size, G_PRIORITY_DEFAULT,
                                 proc->cancellable, read_body_cb, process_ref (proc));
}

static void
read_next_header (RunnerProcess *proc)
{
  g_input_stream_read_all_async (proc->stdout_pipe, proc->header, sizeof proc->header,
                                 G_PRIORITY_DEFAULT, proc->cancellable, read_header_cb,
                                 process_ref (proc));
}

/* The runner process is gone or unusable: kill what is left, and settle
 * the run that was waiting on it. The next run starts a new process. */
static void
process_fail (RunnerProcess *proc,
              const char    *reason)
{
  RetortPythonRunner *self = process_get_runner (proc);
  g_autoptr(RunnerProcess) hold = process_ref (proc);
  g_autofree char *tail = NULL;
  GTask *task;
  RunOp *op;

  if (proc->dead)
    return;

  proc->dead = TRUE;
  g_clear_handle_id (&proc->startup_timeout_id, g_source_remove);
  g_cancellable_cancel (proc->cancellable);
  if (proc->subprocess != NULL)
    g_subprocess_force_exit (proc->subprocess);

  tail = g_strstrip (g_strdup (proc->stderr_tail->str));
  g_debug ("the Python runner stopped: %s", reason);

  if (self == NULL)
    return;

  g_clear_pointer (&self->process, process_unref);
  queries_fail (self, reason, tail);

  task = self->current;
  op = task != NULL ? g_task_get_task_data (task) : NULL;
  if (op != NULL && op->state == OP_PREPARED && !proc->ready)
    {
      /* The run was waiting for this process to say hello. */
      op_fail (task, g_error_new (RETORT_PYTHON_ERROR, RETORT_PYTHON_ERROR_RUNNER,
                                  _("Cannot start the Python runner “%s”: %s%s%s"),
                                  self->program, reason,
                                  tail[0] != '\0' ? "\n" : "", tail));
      return;
    }
  if (op == NULL || op->state != OP_SENT)
    return;

  if (op->cancel_sent || op->returned)
    {
      op_return_cancelled (task);
      op_cleanup (task);
    }
  else if (!op->started && op->attempts < 2)
    {
      /* The runner died before this run began (killed while idle, say):
       * the run directory is untouched, so try once more with a new one. */
      g_debug ("retrying run %u with a new runner", op->id);
      op_clear_timers (op);
      op->state = OP_PREPARED;
      op_watch_cancellable (task);
      advance (self);
    }
  else
    {
      op_fail (task, g_error_new (RETORT_PYTHON_ERROR, RETORT_PYTHON_ERROR_RUNNER,
                                  _("The Python runner stopped unexpectedly: %s%s%s"),
                                  reason, tail[0] != '\0' ? "\n" : "", tail));
    }
}

/* Scheduling -------------------------------------------------------------- */

static void
op_start (RetortPythonRunner *self,
          GTask              *task)
{
  RunOp *op = g_task_get_task_data (task);
  g_autoptr(GTask) prepare = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;

  if (!ensure_session_dir (self, &error))
    {
      op_return_error (task, g_error_new (RETORT_PYTHON_ERROR, RETORT_PYTHON_ERROR_RUNNER,
                                          _("Cannot create a directory for Python runs: %s"),
                                          error->message));
      op_release (task);
      return;
    }

  op->id = ++self->next_id;
  name = g_strdup_printf ("run-%u", op->id);
  op->run_dir = g_build_filename (self->session_dir, name, NULL);
  op->script_path = g_build_filename (op->run_dir, "script.py", NULL);
  op->work_dir = g_build_filename (op->run_dir, "work", NULL);
  if (retort_script_job_get_bundle (op->job) != NULL)
    op->bundle_dir = g_build_filename (op->work_dir, "Script Bundle", NULL);
  op->input_paths[0] = g_build_filename (op->run_dir, "in1.rtbl", NULL);
  op->input_paths[1] = g_build_filename (op->run_dir, "in2.rtbl", NULL);
  op->result_path = g_build_filename (op->run_dir, "result.rtbl", NULL);
  op->use_fds = self->sandbox_mode != RETORT_PYTHON_SANDBOX_FLATPAK;

  op->state = OP_PREPARING;
  prepare = g_task_new (NULL, NULL, prepare_cb, g_object_ref (task));
  g_task_set_source_tag (prepare, op_start);
  g_task_set_task_data (prepare, op, NULL);
  g_task_run_in_thread (prepare, prepare_thread);

  /* The runner starts while the files are written. */
  ensure_process (self);
}

static void
advance (RetortPythonRunner *self)
{
  RunOp *op;

  if (self->current == NULL)
    {
      self->current = g_queue_pop_head (&self->pending);
      if (self->current == NULL)
        return;
      op_start (self, self->current);
      return;
    }

  op = g_task_get_task_data (self->current);
  if (op->state != OP_PREPARED)
    return;

  ensure_process (self);
  if (self->process != NULL && self->process->ready)
    send_run (self, self->current);
}

/* Language services ------------------------------------------------------- */

/* A `check` or `complete` request; the task data of the caller's GTask.
 * Unlike runs, queries do not wait for each other: the runner answers them
 * in its server process, between and during runs, in the order sent. */
typedef struct
{
  guint    id;
  gboolean is_check;
  GSource *cancel_source;
} Query;

static void
query_free (Query *query)
{
  if (query->cancel_source != NULL)
    {
      g_source_destroy (query->cancel_source);
      g_source_unref (query->cancel_source);
    }
  g_free (query);
}

/* Settles @task, which the caller of this function owns (it is no longer in
 * self->queries). */
static void
query_return (GTask     *task,
              GPtrArray *items,
              GError    *error)
{
  Query *query = g_task_get_task_data (task);

  if (query->cancel_source != NULL)
    {
      g_source_destroy (query->cancel_source);
      g_clear_pointer (&query->cancel_source, g_source_unref);
    }
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, items, (GDestroyNotify) g_ptr_array_unref);
}

/* The caller gets G_IO_ERROR_CANCELLED at once; the answer, when it comes,
 * finds no query and is dropped. */
static gboolean
query_cancelled_cb (GCancellable *cancellable,
                    gpointer      user_data)
{
  GTask *task = user_data;
  RetortPythonRunner *self = g_task_get_source_object (task);
  Query *query = g_task_get_task_data (task);
  gpointer key = GUINT_TO_POINTER (query->id);
  GTask *owned;

  g_clear_pointer (&query->cancel_source, g_source_unref);
  if (!g_hash_table_steal_extended (self->queries, key, NULL, (gpointer *) &owned))
    return G_SOURCE_REMOVE;
  g_task_return_new_error (owned, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           _("The request to the Python runner was cancelled"));
  g_object_unref (owned);
  return G_SOURCE_REMOVE;
}

/* Every query sent to a runner process that failed fails with it. */
static void
queries_fail (RetortPythonRunner *self,
              const char         *reason,
              const char         *tail)
{
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->queries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      g_ptr_array_add (tasks, value);
      g_hash_table_iter_steal (&iter);
    }
  for (guint i = 0; i < tasks->len; i++)
    query_return (g_ptr_array_index (tasks, i), NULL,
                  g_error_new (RETORT_PYTHON_ERROR, RETORT_PYTHON_ERROR_RUNNER,
                               _("The Python runner stopped unexpectedly: %s%s%s"),
                               reason, tail[0] != '\0' ? "\n" : "", tail));
}

static int
member_int (JsonObject *object,
            const char *name,
            int         fallback)
{
  gint64 value = event_int (object, name, fallback);

  return (int) CLAMP (value, 0, G_MAXINT);
}

static GPtrArray *
parse_issues (JsonObject *event)
{
  JsonNode *node = json_object_get_member (event, "errors");
  JsonArray *errors = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  GPtrArray *issues = g_ptr_array_new_with_free_func ((GDestroyNotify) retort_syntax_issue_free);

  for (guint i = 0; errors != NULL && i < json_array_get_length (errors); i++)
    {
      JsonNode *element = json_array_get_element (errors, i);
      JsonObject *error;
      int line, column;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      error = json_node_get_object (element);
      line = MAX (member_int (error, "line", 1), 1);
      column = MAX (member_int (error, "column", 1), 1);
      g_ptr_array_add (issues,
                       retort_syntax_issue_new (line, column,
                                                member_int (error, "end_line", line),
                                                member_int (error, "end_column", column + 1),
                                                event_string (error, "message"),
                                                g_strcmp0 (event_string (error, "severity"),
                                                           "warning") == 0));
    }
  return issues;
}

static GPtrArray *
parse_completions (JsonObject *event)
{
  JsonNode *node = json_object_get_member (event, "items");
  JsonArray *array = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) retort_completion_item_free);

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *item;
      const char *text;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        continue;
      item = json_node_get_object (element);
      text = event_string (item, "text");
      if (text == NULL || *text == '\0')
        continue;
      g_ptr_array_add (items, retort_completion_item_new (text, event_string (item, "kind"),
                                                         event_string (item, "detail")));
    }
  return items;
}

/* Returns TRUE when @event answered a query (or one given up). */
static gboolean
query_answer (RetortPythonRunner *self,
              JsonObject         *event)
{
  const char *type = event_string (event, "type");
  gint64 id = event_int (event, "id", -1);
  gboolean answer = g_strcmp0 (type, "checked") == 0 || g_strcmp0 (type, "completions") == 0;
  GTask *task;
  Query *query;

  if (id < 0 || id > G_MAXUINT)
    return answer;
  if (!g_hash_table_steal_extended (self->queries, GUINT_TO_POINTER ((guint) id), NULL,
                                    (gpointer *) &task))
    return answer;  /* cancelled: dropped */

  query = g_task_get_task_data (task);
  if (g_strcmp0 (type, query->is_check ? "checked" : "completions") == 0)
    query_return (task, query->is_check ? parse_issues (event) : parse_completions (event), NULL);
  else
    {
      const char *text = event_string (event, "text");

      query_return (task, NULL,
                    g_error_new (RETORT_PYTHON_ERROR, RETORT_PYTHON_ERROR_RUNNER,
                                 _("The Python runner could not answer: %s"),
                                 text != NULL ? text : type != NULL ? type : "?"));
    }
  g_object_unref (task);
  return TRUE;
}

/* Sends a query now: before the runner's hello the request waits in the
 * pipe (the runner reads it once it is ready), like a run's. */
static void
query_start (RetortPythonRunner *self,
             GTask              *task,
             JsonBuilder        *builder)
{
  Query *query = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }
  if (!ensure_session_dir (self, &error))
    {
      g_task_return_new_error (task, RETORT_PYTHON_ERROR, RETORT_PYTHON_ERROR_RUNNER,
                               _("Cannot create a directory for Python runs: %s"),
                               error->message);
      g_object_unref (task);
      return;
    }

  g_hash_table_insert (self->queries, GUINT_TO_POINTER (query->id), task);
  if (cancellable != NULL)
    {
      query->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (query->cancel_source,
                             (GSourceFunc) (void (*) (void)) query_cancelled_cb, task, NULL);
      g_source_attach (query->cancel_source, g_task_get_context (task));
    }

  ensure_process (self);
  if (self->process != NULL)
    process_send (self->process, builder);
}

static GTask *
query_new (RetortPythonRunner  *self,
           gboolean             is_check,
           gpointer             source_tag,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Query *query = g_new0 (Query, 1);

  g_task_set_source_tag (task, source_tag);
  query->id = ++self->next_id;
  query->is_check = is_check;
  g_task_set_task_data (task, query, (GDestroyNotify) query_free);
  return task;
}

/* GObject ------------------------------------------------------------------ */

static void
retort_python_runner_dispose (GObject *object)
{
  RetortPythonRunner *self = RETORT_PYTHON_RUNNER (object);

  /* Tasks hold a reference to the runner: none is in flight here. */
  if (self->process != NULL)
    {
      RunnerProcess *proc = g_steal_pointer (&self->process);

      proc->runner = NULL;
      process_fail (proc, "disposed");
      process_unref (proc);
    }

  if (self->session_dir != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!_retort_python_delete_tree (self->session_dir, &error))
        g_warning ("%s", error->message);
      g_clear_pointer (&self->session_dir, g_free);
    }

  G_OBJECT_CLASS (retort_python_runner_parent_class)->dispose (object);
}

static void
retort_python_runner_finalize (GObject *object)
{
  RetortPythonRunner *self = RETORT_PYTHON_RUNNER (object);

  g_free (self->program);
  g_free (self->sandbox_program);
  g_free (self->font_cache);
  /* Queries hold a reference to the runner: none is left here. */
  g_hash_table_unref (self->queries);

  G_OBJECT_CLASS (retort_python_runner_parent_class)->finalize (object);
}

static void
retort_python_runner_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  RetortPythonRunner *self = RETORT_PYTHON_RUNNER (object);

  switch (prop_id)
    {
    case PROP_PROGRAM:
      g_value_set_string (value, self->program);
      break;

    case PROP_SANDBOX_ENABLED:
      g_value_set_boolean (value, self->sandbox_enabled);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
retort_python_runner_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  RetortPythonRunner *self = RETORT_PYTHON_RUNNER (object);

  switch (prop_id)
    {
    case PROP_PROGRAM:
      retort_python_runner_set_program (self, g_value_get_string (value));
      break;

    case PROP_SANDBOX_ENABLED:
      retort_python_runner_set_sandbox_enabled (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
retort_python_runner_class_init (RetortPythonRunnerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = retort_python_runner_dispose;
  object_class->finalize = retort_python_runner_finalize;
  object_class->get_property = retort_python_runner_get_property;
  object_class->set_property = retort_python_runner_set_property;

  properties[PROP_PROGRAM] =
    g_param_spec_string ("program", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SANDBOX_ENABLED] =
    g_param_spec_boolean ("sandbox-enabled", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CONSOLE] =
    g_signal_new ("console", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  /* A runner that dies while a request is written would otherwise kill
   * the whole application with SIGPIPE; the write fails with EPIPE instead
   * (GSocket does the same, for the same reason). */
  signal (SIGPIPE, SIG_IGN);
}

/* $RETORT_RUNNER, else the runner of an uninstalled build (src/retort
 * beside src/runner/retort-runner), else the installed one. */
static char *
find_runner_program (void)
{
  const char *program = g_getenv ("RETORT_RUNNER");
  g_autofree char *exe = NULL;

  if (program != NULL && program[0] != '\0')
    return g_strdup (program);

  exe = g_file_read_link ("/proc/self/exe", NULL);
  if (exe != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (exe);
      g_autofree char *candidate = g_build_filename (dir, "runner", "retort-runner", NULL);

      if (g_file_test (candidate, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&candidate);
    }

  return g_strdup (RETORT_RUNNER_PATH);
}

static void
retort_python_runner_init (RetortPythonRunner *self)
{
  self->program = find_runner_program ();
  self->sandbox_enabled = TRUE;
  g_queue_init (&self->pending);
  self->queries = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
}

RetortPythonRunner *
retort_python_runner_new (void)
{
  return g_object_new (RETORT_TYPE_PYTHON_RUNNER, NULL);
}

const char *
retort_python_runner_get_program (RetortPythonRunner *self)
{
  g_return_val_if_fail (RETORT_IS_PYTHON_RUNNER (self), NULL);

  return self->program;
}

void
retort_python_runner_set_program (RetortPythonRunner *self,
                                  const char         *path)
{
  g_return_if_fail (RETORT_IS_PYTHON_RUNNER (self));

  if (path == NULL || g_strcmp0 (path, self->program) == 0)
    return;

  g_free (self->program);
  self->program = g_strdup (path);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRAM]);
}

void
retort_python_runner_set_sandbox_enabled (RetortPythonRunner *self,
                                          gboolean            enabled)
{
  g_return_if_fail (RETORT_IS_PYTHON_RUNNER (self));

  enabled = !!enabled;
  if (enabled == self->sandbox_enabled)
    return;

  self->sandbox_enabled = enabled;
  /* Chosen again when the next runner process starts. */
  self->sandbox_chosen = FALSE;
  g_clear_pointer (&self->sandbox_program, g_free);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SANDBOX_ENABLED]);
}

gboolean
retort_python_runner_get_sandbox_enabled (RetortPythonRunner *self)
{
  g_return_val_if_fail (RETORT_IS_PYTHON_RUNNER (self), FALSE);

  return self->sandbox_enabled;
}

RetortPythonSandboxMode
retort_python_runner_get_sandbox_mode (RetortPythonRunner *self)
{
  g_return_val_if_fail (RETORT_IS_PYTHON_RUNNER (self), RETORT_PYTHON_SANDBOX_NONE);

  return self->sandbox_mode;
}

void
retort_python_runner_prepare (RetortPythonRunner *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (RETORT_IS_PYTHON_RUNNER (self));

  if (self->process != NULL)
    return;
  /* A run would report it; nothing asked for one yet. */
  if (!ensure_session_dir (self, &error))
    {
      g_debug ("not starting the Python runner: %s", error->message);
      return;
    }
  ensure_process (self);
}

GPid
retort_python_runner_get_pid (RetortPythonRunner *self)
{
  const char *identifier;

  g_return_val_if_fail (RETORT_IS_PYTHON_RUNNER (self), 0);

  if (self->process == NULL || self->process->subprocess == NULL)
    return 0;

  identifier = g_subprocess_get_identifier (self->process->subprocess);
  return identifier != NULL ? (GPid) atoi (identifier) : 0;
}

const char *
retort_python_runner_get_session_dir (RetortPythonRunner *self)
{
  g_return_val_if_fail (RETORT_IS_PYTHON_RUNNER (self), NULL);

  return self->session_dir;
}

void
retort_python_runner_run_async (RetortPythonRunner  *self,
                                RetortScriptJob     *job,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;
  RunOp *op;

  g_return_if_fail (RETORT_IS_PYTHON_RUNNER (self));
  g_return_if_fail (job != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, retort_python_runner_run_async);

  op = g_new0 (RunOp, 1);
  op->job = retort_script_job_ref (job);
  op->console = g_string_new (NULL);
  op->state = OP_QUEUED;
  g_task_set_task_data (task, op, (GDestroyNotify) run_op_free);

  op_watch_cancellable (task);

  /* The queue owns the task until it is released. */
  g_queue_push_tail (&self->pending, task);
  advance (self);
}

RetortScriptResult *
retort_python_runner_run_finish (RetortPythonRunner  *self,
                                 GAsyncResult        *result,
                                 GError             **error)
{
  g_return_val_if_fail (RETORT_IS_PYTHON_RUNNER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == retort_python_runner_run_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
retort_python_runner_check_async (RetortPythonRunner  *self,
                                  const char          *source,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  GTask *task;

  g_return_if_fail (RETORT_IS_PYTHON_RUNNER (self));
  g_return_if_fail (source != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = query_new (self, TRUE, retort_python_runner_check_async, cancellable, callback,
                    user_data);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "check");
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, ((Query *) g_task_get_task_data (task))->id);
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, source);
  json_builder_set_member_name (builder, "filename");
  json_builder_add_string_value (builder, "script.py");
  json_builder_end_object (builder);

  query_start (self, task, builder);
}

GPtrArray *
retort_python_runner_check_finish (RetortPythonRunner  *self,
                                   GAsyncResult        *result,
                                   GError             **error)
{
  g_return_val_if_fail (RETORT_IS_PYTHON_RUNNER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == retort_python_runner_check_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
retort_python_runner_complete_async (RetortPythonRunner  *self,
                                     const char          *source,
                                     int                  line,
                                     int                  column,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  GTask *task;

  g_return_if_fail (RETORT_IS_PYTHON_RUNNER (self));
  g_return_if_fail (source != NULL);
  g_return_if_fail (line >= 1 && column >= 1);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = query_new (self, FALSE, retort_python_runner_complete_async, cancellable, callback,
                    user_data);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "complete");
  json_builder_set_member_name (builder, "id");
  json_builder_add_int_value (builder, ((Query *) g_task_get_task_data (task))->id);
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, source);
  json_builder_set_member_name (builder, "line");
  json_builder_add_int_value (builder, line);
  json_builder_set_member_name (builder, "column");
  json_builder_add_int_value (builder, column);
  json_builder_end_object (builder);

  query_start (self, task, builder);
}

GPtrArray *
retort_python_runner_complete_finish (RetortPythonRunner  *self,
                                      GAsyncResult        *result,
                                      GError             **error)
{
  g_return_val_if_fail (RETORT_IS_PYTHON_RUNNER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == retort_python_runner_complete_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
