/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-runner"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "retort-runner-protocol.h"

G_DEFINE_QUARK (retort-runner-error-quark, retort_runner_error)

struct _RetortRunnerReader
{
  GByteArray *buffer;
};

RetortRunnerReader *
retort_runner_reader_new (void)
{
  RetortRunnerReader *reader = g_new0 (RetortRunnerReader, 1);

  reader->buffer = g_byte_array_new ();
  return reader;
}

void
retort_runner_reader_free (RetortRunnerReader *reader)
{
  if (reader == NULL)
    return;
  g_byte_array_unref (reader->buffer);
  g_free (reader);
}

gboolean
retort_runner_reader_fill (RetortRunnerReader  *reader,
                           int                  fd,
                           GError             **error)
{
  guint8 chunk[65536];
  ssize_t n;

  do
    n = read (fd, chunk, sizeof chunk);
  while (n < 0 && errno == EINTR);

  if (n < 0)
    {
      int saved_errno = errno;

      g_set_error (error, RETORT_RUNNER_ERROR, RETORT_RUNNER_ERROR_IO,
                   "Could not read a request: %s", g_strerror (saved_errno));
      return FALSE;
    }
  if (n == 0)
    return FALSE;

  g_byte_array_append (reader->buffer, chunk, n);
  return TRUE;
}

JsonObject *
retort_runner_reader_next (RetortRunnerReader  *reader,
                           gboolean            *fatal,
                           GError             **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  const guint8 *data = reader->buffer->data;
  guint32 length;
  JsonNode *root;
  JsonObject *object = NULL;

  *fatal = FALSE;
  if (reader->buffer->len < 4)
    return NULL;

  length = (guint32) data[0] | (guint32) data[1] << 8 | (guint32) data[2] << 16
           | (guint32) data[3] << 24;
  if (length > RETORT_RUNNER_MAX_MESSAGE)
    {
      *fatal = TRUE;
      g_set_error (error, RETORT_RUNNER_ERROR, RETORT_RUNNER_ERROR_PROTOCOL,
                   "A message of %u bytes is larger than the limit of %u bytes",
                   length, RETORT_RUNNER_MAX_MESSAGE);
      return NULL;
    }
  if (reader->buffer->len - 4 < length)
    return NULL;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, (const char *) data + 4, length, &local_error))
    {
      g_set_error (error, RETORT_RUNNER_ERROR, RETORT_RUNNER_ERROR_PROTOCOL,
                   "A message is not valid JSON: %s", local_error->message);
    }
  else if ((root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, RETORT_RUNNER_ERROR, RETORT_RUNNER_ERROR_PROTOCOL,
                           "A message is not a JSON object");
    }
  else
    {
      object = json_object_ref (json_node_get_object (root));
    }

  g_byte_array_remove_range (reader->buffer, 0, 4 + length);
  return object;
}

static gboolean
write_all (int           fd,
           const guint8 *data,
           gsize         size,
           GError      **error)
{
  while (size > 0)
    {
      ssize_t n = write (fd, data, size);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          g_set_error (error, RETORT_RUNNER_ERROR, RETORT_RUNNER_ERROR_IO,
                       "Could not send an event: %s", g_strerror (saved_errno));
          return FALSE;
        }
      data += n;
      size -= n;
    }
  return TRUE;
}

gboolean
retort_runner_send (int          fd,
                    JsonObject  *message,
                    GError     **error)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), message);
  g_autofree char *text = NULL;
  gsize length;
  guint8 *frame;
  gboolean ok;

  text = json_to_string (node, FALSE);
  length = strlen (text);
  if (length > RETORT_RUNNER_MAX_MESSAGE)
    {
      g_set_error (error, RETORT_RUNNER_ERROR, RETORT_RUNNER_ERROR_PROTOCOL,
                   "An event of %" G_GSIZE_FORMAT " bytes is larger than the limit", length);
      return FALSE;
    }

  /* One write for header and body keeps a message in one piece for a
   * client that reads while we are interrupted. */
  frame = g_malloc (4 + length);
  frame[0] = length & 0xff;
  frame[1] = (length >> 8) & 0xff;
  frame[2] = (length >> 16) & 0xff;
  frame[3] = (length >> 24) & 0xff;
  memcpy (frame + 4, text, length);
  ok = write_all (fd, frame, 4 + length, error);
  g_free (frame);
  return ok;
}
