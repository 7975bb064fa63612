/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Framing of doc/runner-protocol.md: a 4-byte little-endian length, then
 * that many bytes of UTF-8 JSON (one object). */
#define RETORT_RUNNER_PROTOCOL_VERSION 1
#define RETORT_RUNNER_MAX_MESSAGE (16u * 1024u * 1024u)

#define RETORT_RUNNER_ERROR (retort_runner_error_quark ())

typedef enum
{
  RETORT_RUNNER_ERROR_PROTOCOL,
  RETORT_RUNNER_ERROR_IO,
  RETORT_RUNNER_ERROR_PYTHON,
} RetortRunnerError;

GQuark retort_runner_error_quark (void);

/* Collects bytes from a descriptor and cuts them into messages. */
typedef struct _RetortRunnerReader RetortRunnerReader;

RetortRunnerReader *retort_runner_reader_new  (void);
void                retort_runner_reader_free (RetortRunnerReader *reader);
/* One read(2): call it when poll(2) says the descriptor is readable, so it
 * never blocks. Returns FALSE with @error unset at end of file. */
gboolean            retort_runner_reader_fill (RetortRunnerReader *reader,
                                               int                 fd,
                                               GError            **error);
/* The next complete message, or NULL with @error unset when more bytes are
 * needed. A malformed message is an error but the stream stays in step;
 * an oversized one is an error after which the stream cannot be trusted. */
JsonObject         *retort_runner_reader_next (RetortRunnerReader *reader,
                                               gboolean           *fatal,
                                               GError            **error);

gboolean            retort_runner_send        (int                 fd,
                                               JsonObject         *message,
                                               GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RetortRunnerReader, retort_runner_reader_free)

G_END_DECLS
