/* SPDX-License-Identifier: GPL-3.0-or-later */
/* data/io.github.retort.Retort.mime.xml, compiled by update-mime-database
 * into a private folder the way a system installs it: GIO must then take a
 * .retort document for application/x-retort, a kind of zip. */

#include "config.h"

#include <glib/gstdio.h>
#include <gio/gio.h>

static char *mime_dir;

static void
test_retort_document_type (void)
{
  g_autofree char *path = g_build_filename (g_getenv ("RETORT_SHARED_DATASETS"),
                                            "pima-feature-importance.retort", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *by_name = NULL;
  g_autofree char *by_data = NULL;
  g_autofree char *description = NULL;
  gsize length;
  gboolean uncertain;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));

  by_name = g_content_type_guess ("experiment.retort", NULL, 0, &uncertain);
  g_assert_cmpstr (by_name, ==, "application/x-retort");

  by_data = g_content_type_guess ("experiment.retort", (const guchar *) contents, length,
                                  &uncertain);
  g_assert_cmpstr (by_data, ==, "application/x-retort");
  g_assert_false (uncertain);

  g_assert_true (g_content_type_is_a ("application/x-retort", "application/zip"));
  description = g_content_type_get_description ("application/x-retort");
  g_assert_cmpstr (description, ==, "Retort experiment");
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *packages = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *xml = NULL;
  g_autofree char *update_mime_database = g_find_program_in_path ("update-mime-database");
  g_autofree char *home = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;
  int wait_status;
  int status;

  g_log_writer_default_set_use_stderr (TRUE);
  g_test_init (&argc, &argv, NULL);

  if (argc < 2)
    g_error ("Usage: %s MIME-XML", argv[0]);
  if (update_mime_database == NULL)
    {
      g_test_skip ("update-mime-database (shared-mime-info) is not installed");
      return g_test_run ();
    }

  mime_dir = g_dir_make_tmp ("retort-test-mime-XXXXXX", &error);
  g_assert_no_error (error);
  packages = g_build_filename (mime_dir, "mime", "packages", NULL);
  g_assert_cmpint (g_mkdir_with_parents (packages, 0700), ==, 0);
  copy = g_build_filename (packages, "io.github.retort.Retort.xml", NULL);
  g_assert_true (g_file_get_contents (argv[1], &xml, &length, &error));
  g_assert_true (g_file_set_contents (copy, xml, length, &error));

  /* Retort's database and the freedesktop.org one (for application/zip),
   * and no user's: set before GIO reads any. */
  home = g_build_filename (mime_dir, "home", NULL);
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  {
    g_autofree char *dirs = g_strconcat (mime_dir, ":/usr/share", NULL);

    g_setenv ("XDG_DATA_DIRS", dirs, TRUE);
  }

  {
    g_autofree char *database = g_build_filename (mime_dir, "mime", NULL);
    const char *update_argv[] = { update_mime_database, database, NULL };
    g_autofree char *errors = NULL;

    g_assert_true (g_spawn_sync (NULL, (char **) update_argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
                                 NULL, NULL, NULL, &errors, &wait_status, &error));
    g_assert_no_error (error);
    if (errors != NULL && *errors != '\0')
      g_printerr ("%s", errors);
    /* A malformed package is reported but not always fatal: fail on either. */
    g_assert_true (g_spawn_check_wait_status (wait_status, NULL));
    g_assert_true (errors == NULL || *errors == '\0');
  }

  g_test_add_func ("/mime/retort-document", test_retort_document_type);
  status = g_test_run ();

  remove_tree (mime_dir);
  g_free (mime_dir);

  return status;
}
