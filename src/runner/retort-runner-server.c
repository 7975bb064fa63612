/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-runner"

#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "retort-fd-passing.h"
#include "retort-runner-child.h"
#include "retort-runner-protocol.h"
#include "retort-runner-python.h"
#include "retort-runner-server.h"

#define DEFAULT_CONSOLE_LIMIT (1024 * 1024)
/* Without a pidfd the loop looks for the child's exit this often. */
#define REAP_INTERVAL_MS 10
/* How long the server must have been idle before it warms the completion
 * engine up (a step may take a second or two). */
#define WARM_UP_IDLE_MS 200

typedef enum
{
  STOP_NONE,
  STOP_CANCELLED,
  STOP_TIMED_OUT,
} StopReason;

typedef struct
{
  gint64             id;
  RetortRunnerChild *child;
  gint64             start_us;
  gint64             deadline_us;   /* 0: no wall-time limit */
  guint64            timeout_ms;
  gsize              console_limit;
  gsize              console_used;
  gboolean           truncated;
  GByteArray        *carry[2];      /* an incomplete UTF-8 character per stream */
  GByteArray        *answer;        /* what the child wrote to the event pipe */
  StopReason         stop;
} Run;

typedef struct
{
  int                 in_fd;
  int                 out_fd;
  int                 fd_channel;   /* -1: tables cross as files only */
  RetortRunnerReader *reader;
  Run                *run;
  GError             *send_error;   /* the first failure to reach the client */
  gboolean            warming_up;   /* steps of retort_runner_python_warm_up() remain */
  gboolean            warm_up_started;
} Server;

static void
send_event (Server     *server,
            JsonObject *event)
{
  if (server->send_error != NULL)
    return;
  retort_runner_send (server->out_fd, event, &server->send_error);
}

static JsonObject *
new_event (const char *type,
           gboolean    has_id,
           gint64      id)
{
  JsonObject *event = json_object_new ();

  json_object_set_string_member (event, "type", type);
  if (has_id)
    json_object_set_int_member (event, "id", id);
  return event;
}

static void
send_error (Server     *server,
            gboolean    has_id,
            gint64      id,
            const char *kind,
            const char *text)
{
  g_autoptr(JsonObject) event = new_event ("error", has_id, id);

  json_object_set_string_member (event, "kind", kind);
  json_object_set_string_member (event, "text", text);
  send_event (server, event);
}

/* How many bytes at the end of @data start a UTF-8 character that the next
 * read will complete. */
static gsize
incomplete_tail (const guint8 *data,
                 gsize         size)
{
  for (gsize back = 1; back <= 3 && back <= size; back++)
    {
      guint8 byte = data[size - back];
      gsize needed;

      if ((byte & 0xc0) == 0x80)
        continue;
      if ((byte & 0xe0) == 0xc0)
        needed = 2;
      else if ((byte & 0xf0) == 0xe0)
        needed = 3;
      else if ((byte & 0xf8) == 0xf0)
        needed = 4;
      else
        return 0;
      return needed > back ? back : 0;
    }
  return 0;
}

static void
send_console (Server       *server,
              guint         stream,
              const guint8 *data,
              gsize         size,
              gboolean      final)
{
  static const char * const types[] = { "stdout", "stderr" };
  Run *run = server->run;
  GByteArray *carry = run->carry[stream];
  g_autoptr(JsonObject) event = NULL;
  g_autofree char *text = NULL;
  gsize keep;

  g_byte_array_append (carry, data, size);
  keep = final ? 0 : incomplete_tail (carry->data, carry->len);
  if (carry->len == keep)
    return;

  /* JSON carries text: bytes that are not UTF-8 become U+FFFD. */
  text = g_utf8_make_valid ((const char *) carry->data, carry->len - keep);
  g_byte_array_remove_range (carry, 0, carry->len - keep);

  event = new_event (types[stream], TRUE, run->id);
  json_object_set_string_member (event, "text", text);
  send_event (server, event);
}

static void
forward_console (Server       *server,
                 guint         stream,
                 const guint8 *data,
                 gsize         size)
{
  Run *run = server->run;
  gsize room;

  /* Past the cap the pipe is still drained, so the script never blocks on
   * a full pipe, but nothing more is sent. */
  if (run->truncated)
    return;

  room = run->console_limit - run->console_used;
  if (size <= room)
    {
      run->console_used += size;
      send_console (server, stream, data, size, FALSE);
      return;
    }

  run->console_used = run->console_limit;
  run->truncated = TRUE;
  send_console (server, stream, data, room, TRUE);
  {
    g_autoptr(JsonObject) note = new_event ("stderr", TRUE, run->id);
    g_autofree char *text = g_strdup_printf ("\n[output truncated: more than %" G_GSIZE_FORMAT
                                             " bytes]\n", run->console_limit);

    json_object_set_string_member (note, "text", text);
    send_event (server, note);
  }
}

/* Reads from a child pipe: one chunk when @all is FALSE, so that a script
 * flooding its console cannot starve the client and the timer; everything
 * there is when @all is TRUE. Closes @fd at end of file. */
static void
read_child_fd (Server   *server,
               int      *fd,
               int       stream,
               gboolean  all)
{
  guint8 chunk[65536];

  while (*fd >= 0)
    {
      ssize_t n = read (*fd, chunk, sizeof chunk);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        return;
      if (n <= 0)
        {
          close (*fd);
          *fd = -1;
          return;
        }
      if (stream < 0)
        {
          /* The answer is small; a runaway one is cut off and then fails
           * to parse, which reports the child as broken. */
          if (server->run->answer->len < RETORT_RUNNER_MAX_MESSAGE)
            g_byte_array_append (server->run->answer, chunk, n);
        }
      else
        forward_console (server, stream, chunk, n);
      if (!all)
        return;
    }
}

static gint64 get_int (JsonObject *object,
                       const char *name,
                       gint64      fallback);

/* The descriptors the child sent before its answer go to the client before
 * the answer too (the "fds first" rule); the server keeps none. */
static gboolean
forward_fds (Server     *server,
             JsonObject *answer)
{
  RetortRunnerChild *child = server->run->child;
  gint64 n = get_int (answer, "fds", 0);
  g_autofree int *fds = NULL;
  gboolean ok;

  if (n == 0)
    return TRUE;
  if (n < 0 || n > G_MAXINT / (gint64) sizeof (int) || child->fd_socket < 0 || server->fd_channel < 0)
    return FALSE;

  fds = g_new (int, n);
  if (!retort_fd_receive (child->fd_socket, fds, (guint) n, NULL))
    return FALSE;
  ok = server->send_error == NULL &&
       retort_fd_send (server->fd_channel, fds, (guint) n, &server->send_error);
  for (gint64 i = 0; i < n; i++)
    close (fds[i]);
  return ok;
}

static void
finish_run (Server *server,
            int     status)
{
  Run *run = server->run;
  RetortRunnerChild *child = run->child;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(JsonObject) event = NULL;

  /* Whatever the script started goes too. Then everything it wrote is in
   * the pipes: read it without waiting for an end of file that a process
   * which escaped the group could hold back. */
  retort_runner_child_kill (child);
  read_child_fd (server, &child->stdout_fd, 0, TRUE);
  read_child_fd (server, &child->stderr_fd, 1, TRUE);
  read_child_fd (server, &child->event_fd, -1, TRUE);
  for (guint stream = 0; stream < 2; stream++)
    if (!run->truncated)
      send_console (server, stream, NULL, 0, TRUE);

  if (run->stop == STOP_NONE && run->answer->len > 0)
    {
      g_autoptr(JsonParser) parser = json_parser_new_immutable ();
      JsonNode *root;

      if (json_parser_load_from_data (parser, (const char *) run->answer->data,
                                      run->answer->len, NULL)
          && (root = json_parser_get_root (parser)) != NULL
          && JSON_NODE_HOLDS_OBJECT (root))
        {
          const char *type = json_object_get_string_member_with_default (
            json_node_get_object (root), "type", "");

          if (g_str_equal (type, "result") || g_str_equal (type, "error"))
            answer = json_object_ref (json_node_get_object (root));
        }
    }

  if (run->stop == STOP_CANCELLED)
    {
      send_error (server, TRUE, run->id, "cancelled", "cancelled");
    }
  else if (run->stop == STOP_TIMED_OUT)
    {
      g_autofree char *text = g_strdup_printf ("the script ran longer than %g s",
                                               run->timeout_ms / 1000.0);

      send_error (server, TRUE, run->id, "timeout", text);
    }
  else if (answer != NULL && !forward_fds (server, answer))
    {
      send_error (server, TRUE, run->id, "internal",
                  "the result's descriptors did not arrive or could not be passed on");
    }
  else if (answer != NULL)
    {
      /* The child's answer, with the id and the time the server saw. */
      json_object_set_int_member (answer, "id", run->id);
      if (g_str_equal (json_object_get_string_member (answer, "type"), "result"))
        json_object_set_int_member (answer, "elapsed_ms",
                                    (g_get_monotonic_time () - run->start_us) / 1000);
      send_event (server, answer);
    }
  else if (WIFSIGNALED (status))
    {
      g_autofree char *text = g_strdup_printf ("the Python process crashed (signal %d)",
                                               WTERMSIG (status));

      event = new_event ("error", TRUE, run->id);
      json_object_set_string_member (event, "kind", "crash");
      json_object_set_string_member (event, "text", text);
      json_object_set_int_member (event, "signal", WTERMSIG (status));
      send_event (server, event);
    }
  else
    {
      g_autofree char *text = g_strdup_printf ("the Python process crashed (it exited "
                                               "with status %d without a result)",
                                               WIFEXITED (status) ? WEXITSTATUS (status) : -1);

      send_error (server, TRUE, run->id, "crash", text);
    }

  retort_runner_child_free (child);
  g_byte_array_unref (run->carry[0]);
  g_byte_array_unref (run->carry[1]);
  g_byte_array_unref (run->answer);
  g_clear_pointer (&server->run, g_free);
}

/* Kills and reaps the child; used when the server itself goes away. */
static void
abandon_run (Server *server)
{
  Run *run = server->run;
  int status;

  if (run == NULL)
    return;
  retort_runner_child_kill (run->child);
  while (waitpid (run->child->pid, &status, 0) < 0 && errno == EINTR)
    ;
  retort_runner_child_free (run->child);
  g_byte_array_unref (run->carry[0]);
  g_byte_array_unref (run->carry[1]);
  g_byte_array_unref (run->answer);
  g_clear_pointer (&server->run, g_free);
}

static gint64
get_int (JsonObject *object,
         const char *name,
         gint64      fallback)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE
      || json_node_get_value_type (node) != G_TYPE_INT64)
    return fallback;
  return json_node_get_int (node);
}

static gboolean
has_string (JsonObject *object,
            const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == G_TYPE_STRING;
}

static void
close_fds (int  *fds,
           guint n)
{
  for (guint i = 0; i < n; i++)
    if (fds[i] >= 0)
      close (fds[i]);
}

static void
start_run (Server     *server,
           JsonObject *request,
           gint64      id)
{
  int inherited[] = { server->in_fd, server->out_fd, server->fd_channel };
  gint64 n_fds = get_int (request, "fds", 0);
  g_autofree int *input_fds = NULL;
  int sockets[2] = { -1, -1 };
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) started = NULL;
  g_autofree char *request_json = NULL;
  RetortRunnerChild *child;
  gint64 timeout_ms, memory_mb, console_limit;
  Run *run;

  /* The descriptors sent ahead of this request are taken off the socket
   * whatever happens to the run, so they cannot be mistaken for the next
   * run's. */
  if (n_fds != 0)
    {
      g_autoptr(GError) fd_error = NULL;

      if (n_fds < 0 || n_fds > G_MAXINT / (gint64) sizeof (int) || server->fd_channel < 0)
        {
          send_error (server, TRUE, id, "protocol", "\"fds\" without a descriptor channel");
          return;
        }
      input_fds = g_new (int, n_fds);
      if (!retort_fd_receive (server->fd_channel, input_fds, (guint) n_fds, &fd_error))
        {
          send_error (server, TRUE, id, "protocol", fd_error->message);
          return;
        }
    }

  if (server->run != NULL)
    {
      g_autofree char *text = g_strdup_printf ("run %" G_GINT64_FORMAT " is still running",
                                               server->run->id);

      close_fds (input_fds, (guint) n_fds);
      send_error (server, TRUE, id, "busy", text);
      return;
    }

  for (const char * const *name = (const char * const[]) { "script", "workdir", "result", NULL };
       *name != NULL; name++)
    if (!has_string (request, *name))
      {
        g_autofree char *text = g_strdup_printf ("a run needs \"%s\", a string", *name);

        close_fds (input_fds, (guint) n_fds);
        send_error (server, TRUE, id, "protocol", text);
        return;
      }

  timeout_ms = MAX (get_int (request, "timeout_ms", 0), 0);
  memory_mb = MAX (get_int (request, "memory_mb", 0), 0);
  console_limit = get_int (request, "console_limit", DEFAULT_CONSOLE_LIMIT);
  if (console_limit < 0)
    console_limit = DEFAULT_CONSOLE_LIMIT;

  /* The child finds the input descriptors by number ("fds" index them)
   * and sends the result's back on a socket of its own. */
  if (server->fd_channel >= 0)
    {
      JsonArray *numbers = json_array_new ();

      for (gint64 i = 0; i < n_fds; i++)
        json_array_add_int_element (numbers, input_fds[i]);
      json_object_set_array_member (request, "input_fds", numbers);
      if (retort_fd_socket_pair (sockets, &error))
        json_object_set_int_member (request, "fd_socket", sockets[1]);
      else
        {
          g_warning ("%s", error->message);
          g_clear_error (&error);
        }
    }

  node = json_node_init_object (json_node_alloc (), request);
  request_json = json_to_string (node, FALSE);

  child = retort_runner_child_spawn (request_json, memory_mb, inherited,
                                     G_N_ELEMENTS (inherited), &error);
  /* The child has its copies. */
  close_fds (input_fds, (guint) n_fds);
  close_fds (&sockets[1], 1);
  if (child == NULL)
    {
      close_fds (&sockets[0], 1);
      send_error (server, TRUE, id, "internal", error->message);
      return;
    }
  child->fd_socket = sockets[0];

  run = g_new0 (Run, 1);
  run->id = id;
  run->child = child;
  run->start_us = g_get_monotonic_time ();
  run->timeout_ms = timeout_ms;
  run->deadline_us = timeout_ms > 0 ? run->start_us + timeout_ms * 1000 : 0;
  run->console_limit = console_limit;
  run->carry[0] = g_byte_array_new ();
  run->carry[1] = g_byte_array_new ();
  run->answer = g_byte_array_new ();
  server->run = run;

  started = new_event ("started", TRUE, id);
  json_object_set_int_member (started, "pid", child->pid);
  send_event (server, started);
}

/* `check` and `complete` are answered here, in the server, between runs
 * and during one: the run child is busy with the script. The source is
 * compiled or parsed, never run, and the answer is quick (see
 * retort_language.py for the time budget). */
static void
answer_language_request (Server     *server,
                         JsonObject *request,
                         gint64      id)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), request);
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autofree char *request_json = json_to_string (node, FALSE);
  g_autofree char *answer = retort_runner_python_language (request_json);
  JsonNode *root;

  if (answer == NULL
      || !json_parser_load_from_data (parser, answer, -1, NULL)
      || (root = json_parser_get_root (parser)) == NULL
      || !JSON_NODE_HOLDS_OBJECT (root))
    {
      send_error (server, TRUE, id, "internal",
                  "the language service failed (the traceback is on the runner's stderr)");
      return;
    }
  send_event (server, json_node_get_object (root));
}

/* Returns FALSE when the client asked the server to stop. */
static gboolean
handle_request (Server     *server,
                JsonObject *request)
{
  const char *type = json_object_get_string_member_with_default (request, "type", NULL);
  gboolean has_id = json_object_has_member (request, "id");
  gint64 id = get_int (request, "id", 0);

  if (type == NULL)
    {
      send_error (server, has_id, id, "protocol", "a request needs a \"type\"");
    }
  else if (g_str_equal (type, "run"))
    {
      if (!has_id || get_int (request, "id", -1) != get_int (request, "id", 0))
        send_error (server, FALSE, 0, "protocol", "a run needs an integer \"id\"");
      else
        start_run (server, request, id);
    }
  else if (g_str_equal (type, "check") || g_str_equal (type, "complete"))
    {
      if (!has_id || get_int (request, "id", -1) != get_int (request, "id", 0))
        {
          g_autofree char *text = g_strdup_printf ("a %s needs an integer \"id\"", type);

          send_error (server, FALSE, 0, "protocol", text);
        }
      else
        {
          /* A runner that serves an editor prepares jedi when idle; one
           * that only runs scripts never spends the time. */
          if (!server->warm_up_started)
            server->warm_up_started = server->warming_up = TRUE;
          answer_language_request (server, request, id);
        }
    }
  else if (g_str_equal (type, "cancel"))
    {
      /* A cancel for a run that already ended is not an error: the two
       * crossed on the way. */
      if (server->run != NULL && has_id && server->run->id == id
          && server->run->stop == STOP_NONE)
        {
          server->run->stop = STOP_CANCELLED;
          retort_runner_child_kill (server->run->child);
        }
    }
  else if (g_str_equal (type, "shutdown"))
    {
      return FALSE;
    }
  else
    {
      g_autofree char *text = g_strdup_printf ("unknown request type \"%s\"", type);

      send_error (server, has_id, id, "protocol", text);
    }
  return TRUE;
}

static int
poll_timeout (Server *server)
{
  Run *run = server->run;
  int timeout = -1;

  if (run == NULL)
    return server->warming_up ? WARM_UP_IDLE_MS : -1;
  if (run->deadline_us > 0 && run->stop == STOP_NONE)
    {
      gint64 left = (run->deadline_us - g_get_monotonic_time () + 999) / 1000;

      timeout = (int) CLAMP (left, 0, G_MAXINT);
    }
  if (run->child->pidfd < 0 && (timeout < 0 || timeout > REAP_INTERVAL_MS))
    timeout = REAP_INTERVAL_MS;
  return timeout;
}

gboolean
retort_runner_server_run (int      in_fd,
                          int      out_fd,
                          int      fd_channel,
                          GError **error)
{
  g_autoptr(RetortRunnerReader) reader = retort_runner_reader_new ();
  Server server = { in_fd, out_fd, fd_channel, reader, NULL, NULL, FALSE, FALSE };
  gboolean serving = TRUE;

  while (serving && server.send_error == NULL)
    {
      struct pollfd fds[5];
      int *child_fds[3] = { NULL, NULL, NULL };
      nfds_t n = 0;
      int ready;

      fds[n++] = (struct pollfd) { in_fd, POLLIN, 0 };
      if (server.run != NULL)
        {
          RetortRunnerChild *child = server.run->child;

          child_fds[0] = &child->stdout_fd;
          child_fds[1] = &child->stderr_fd;
          child_fds[2] = &child->event_fd;
          for (guint i = 0; i < 3; i++)
            fds[n + i] = (struct pollfd) { *child_fds[i], POLLIN, 0 };
          fds[n + 3] = (struct pollfd) { child->pidfd, POLLIN, 0 };
          n += 4;
        }

      ready = poll (fds, n, poll_timeout (&server));
      if (ready < 0 && errno != EINTR)
        {
          int saved_errno = errno;

          g_set_error (error, RETORT_RUNNER_ERROR, RETORT_RUNNER_ERROR_IO,
                       "poll failed: %s", g_strerror (saved_errno));
          abandon_run (&server);
          return FALSE;
        }
      if (ready < 0)
        continue;

      /* Idle for a while: prepare the completion engine. A request
       * interrupts it at once. */
      if (ready == 0 && server.run == NULL && server.warming_up)
        {
          server.warming_up = retort_runner_python_warm_up (in_fd);
          continue;
        }

      if (server.run != NULL)
        {
          RetortRunnerChild *child = server.run->child;
          int status = 0;
          gboolean exited = FALSE;

          for (guint i = 0; i < 3; i++)
            if (fds[1 + i].fd >= 0 && (fds[1 + i].revents & (POLLIN | POLLHUP | POLLERR)))
              read_child_fd (&server, child_fds[i], i < 2 ? (int) i : -1, i == 2);

          if (server.run->deadline_us > 0 && server.run->stop == STOP_NONE
              && g_get_monotonic_time () >= server.run->deadline_us)
            {
              server.run->stop = STOP_TIMED_OUT;
              retort_runner_child_kill (child);
            }

          if (child->pidfd < 0 || (fds[4].revents & POLLIN))
            {
              pid_t pid;

              do
                pid = waitpid (child->pid, &status, child->pidfd < 0 ? WNOHANG : 0);
              while (pid < 0 && errno == EINTR);
              exited = pid == child->pid || (pid < 0 && errno == ECHILD);
            }
          if (exited)
            finish_run (&server, status);
        }

      if (fds[0].revents & (POLLIN | POLLHUP | POLLERR))
        {
          g_autoptr(GError) read_error = NULL;

          if (!retort_runner_reader_fill (reader, in_fd, &read_error))
            {
              /* End of file: the client is gone, and so is our purpose. */
              if (read_error != NULL)
                g_warning ("%s", read_error->message);
              break;
            }

          while (serving)
            {
              g_autoptr(GError) parse_error = NULL;
              g_autoptr(JsonObject) request = NULL;
              gboolean fatal;

              request = retort_runner_reader_next (reader, &fatal, &parse_error);
              if (parse_error != NULL)
                {
                  send_error (&server, FALSE, 0, "protocol", parse_error->message);
                  if (fatal)
                    serving = FALSE;
                  continue;
                }
              if (request == NULL)
                break;
              serving = handle_request (&server, request);
            }
        }
    }

  abandon_run (&server);
  if (server.send_error != NULL)
    {
      g_propagate_error (error, server.send_error);
      return FALSE;
    }
  return TRUE;
}
