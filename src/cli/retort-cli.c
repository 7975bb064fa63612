/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-cli"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "retort-cli.h"
#include "retort-cli-private.h"
#include "retort-inspect-command.h"
#include "retort-run-command.h"
#include "retort-script-command.h"

typedef struct
{
  const char           *name;
  const char           *summary;
  RetortCliCommandFunc  run;
} RetortCliCommand;

/* Adding a subcommand: a new retort-<name>-command.c and one line here. */
static const RetortCliCommand commands[] = {
  { "inspect", N_("Show the schema, row count and column summary of a CSV file"),
    retort_inspect_command_run },
  { "run", N_("Run an experiment without a display and write its outputs"), retort_run_command_run },
  { "script", N_("Run a Python script’s azureml_main on CSV datasets"), retort_script_command_run },
};

static const RetortCliCommand *
find_command (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (g_str_equal (commands[i].name, name))
        return &commands[i];
    }

  return NULL;
}

static gboolean
is_version_option (const char *arg)
{
  return g_str_equal (arg, "--version") || g_str_equal (arg, "-V");
}

static gboolean
is_help_option (const char *arg)
{
  return g_str_equal (arg, "--help") || g_str_equal (arg, "-h") || g_str_equal (arg, "help");
}

gboolean
retort_cli_is_command (const char *arg)
{
  g_return_val_if_fail (arg != NULL, FALSE);

  /* --version is answered here: GApplication in GLib 2.74 has no --version,
   * and answering it must not need a display. */
  return find_command (arg) != NULL || is_version_option (arg);
}

static void
print_usage (FILE *stream)
{
  g_autoptr(GString) text = g_string_new (NULL);
  int width = 0;

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    width = MAX (width, (int) strlen (commands[i].name));

  g_string_append_printf (text, "%s\n  retort %s\n  retort --version\n\n%s\n",
                          _("Usage:"), _("COMMAND [OPTION…] [ARGUMENT…]"), _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (text, "  %-*s  %s\n", width, commands[i].name, _(commands[i].summary));
  g_string_append_printf (text, "\n%s\n", _("Run “retort COMMAND --help” to see a command’s options."));

  fputs (text->str, stream);
}

int
retort_cli_run (int    argc,
                char **argv)
{
  const RetortCliCommand *command;
  g_autofree char *prgname = NULL;

  if (argc < 2)
    {
      print_usage (stderr);
      return RETORT_CLI_EXIT_USAGE;
    }

  if (is_version_option (argv[1]))
    {
      g_print ("retort %s\n", PACKAGE_VERSION);
      return RETORT_CLI_EXIT_SUCCESS;
    }

  if (is_help_option (argv[1]))
    {
      print_usage (stdout);
      return RETORT_CLI_EXIT_SUCCESS;
    }

  command = find_command (argv[1]);
  if (command == NULL)
    {
      g_printerr (_("retort: unknown command “%s”\n"), argv[1]);
      g_printerr (_("Run “retort --help” to see the commands.\n"));
      return RETORT_CLI_EXIT_USAGE;
    }

  /* GOptionContext's "Usage:" line shows the program name. */
  prgname = g_strdup_printf ("retort %s", command->name);
  g_set_prgname (prgname);

  return command->run (argc - 1, argv + 1);
}

gboolean
_retort_cli_parse_options (GOptionContext  *context,
                           const char      *command,
                           int             *argc,
                           char          ***argv)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      _retort_cli_usage_error (command, "%s", error->message);
      return FALSE;
    }

  return TRUE;
}

int
_retort_cli_usage_error (const char *command,
                         const char *format,
                         ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("retort %s: %s\n", command, message);
  g_printerr (_("Run “retort %s --help” for usage.\n"), command);

  return RETORT_CLI_EXIT_USAGE;
}

int
_retort_cli_failure (const char   *command,
                     const GError *error)
{
  g_printerr ("retort %s: %s\n", command, error->message);

  return RETORT_CLI_EXIT_FAILURE;
}

gboolean
_retort_cli_write_stdout (const char *text,
                          gsize       length)
{
  if (fwrite (text, 1, length, stdout) != length || fflush (stdout) != 0)
    {
      int saved_errno = errno;

      g_printerr (_("retort: cannot write the output: %s\n"), g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}
