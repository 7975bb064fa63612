/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Running the real `retort` executable from tests, as a user would. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  int   status;   /* exit status */
  char *out;      /* standard output */
  char *err;      /* standard error */
} RetortTestResult;

/* Runs @argv to its end with no display (subcommands must never need one)
 * and a C.UTF-8 locale; a death by signal fails the test. */
RetortTestResult *retort_test_run_argv   (const char * const *argv);
/* Runs `$RETORT_EXE ARGS...` (NULL-terminated). */
RetortTestResult *retort_test_run_retort (const char         *first_arg,
                                          ...) G_GNUC_NULL_TERMINATED;
void              retort_test_result_free (RetortTestResult  *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RetortTestResult, retort_test_result_free)

G_END_DECLS
