/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort"

#include "config.h"

#include <locale.h>

#include <glib/gi18n.h>

#include "retort-cli.h"
#ifdef RETORT_WITH_GUI
#include "retort-application.h"
#include "retort-frame-memory.h"
#endif

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* Subcommands run without a display: GTK is never initialised for them. */
  if (argc > 1 && retort_cli_is_command (argv[1]))
    return retort_cli_run (argc, argv);

#ifdef RETORT_WITH_GUI
  {
    g_autoptr(RetortApplication) app = NULL;

    retort_frame_memory_init ();
    app = retort_application_new ();

    return g_application_run (G_APPLICATION (app), argc, argv);
  }
#else
  return retort_cli_run (argc, argv);
#endif
}
