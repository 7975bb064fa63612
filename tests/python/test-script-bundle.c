/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Script Bundle unpacking and run-directory deletion on their own: the
 * cases a real zip tool cannot easily make (sizes that lie). The refusals
 * of `..`, absolute paths, links, zip bombs and damaged zips through a
 * whole run are in test-python-runner. */
#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zip.h>

#include <glib/gstdio.h>

#include "retort-script-bundle.h"
#include "retort-script-result.h"

static char *tmp_dir;

static char *
make_zip (const char *name,
          const char *entry,
          const char *content,
          gsize       length)
{
  char *path = g_build_filename (tmp_dir, name, NULL);
  int code = 0;
  zip_t *zip = zip_open (path, ZIP_CREATE | ZIP_TRUNCATE, &code);
  zip_source_t *source = zip_source_buffer (zip, content, length, 0);

  g_assert_cmpint (zip_file_add (zip, entry, source, ZIP_FL_ENC_UTF_8), >=, 0);
  g_assert_cmpint (zip_close (zip), ==, 0);
  return path;
}

static void
test_extract (void)
{
  g_autofree char *zip = make_zip ("ok.zip", "dir/sub/mod.py", "X = 1\n", 6);
  g_autofree char *dest = g_build_filename (tmp_dir, "ok", NULL);
  g_autofree char *file = g_build_filename (dest, "dir", "sub", "mod.py", NULL);
  g_autofree char *content = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (_retort_script_bundle_extract (zip, dest, 1 << 20, 10, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (file, &content, NULL, NULL));
  g_assert_cmpstr (content, ==, "X = 1\n");
}

/* Overwrites every declared uncompressed size of the single entry. */
static void
falsify_size (const char *path,
              guint32     size)
{
  g_autofree char *data = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &data, &length, NULL));
  for (gsize i = 0; i + 46 <= length; i++)
    {
      guint32 le = GUINT32_TO_LE (size);

      if (memcmp (data + i, "PK\003\004", 4) == 0)
        memcpy (data + i + 22, &le, 4);
      else if (memcmp (data + i, "PK\001\002", 4) == 0)
        memcpy (data + i + 24, &le, 4);
    }
  g_assert_true (g_file_set_contents (path, data, length, NULL));
}

static void
test_lying_sizes (void)
{
  gsize length = 4 << 20;
  g_autofree char *zeros = g_malloc0 (length);
  g_autofree char *zip = make_zip ("bomb.zip", "zeros.bin", zeros, length);
  g_autofree char *dest = g_build_filename (tmp_dir, "bomb", NULL);
  g_autoptr(GError) error = NULL;

  /* The headers claim 100 bytes; 4 MiB come out. Counting catches it. */
  falsify_size (zip, 100);
  g_assert_false (_retort_script_bundle_extract (zip, dest, 1 << 20, 10, &error));
  g_assert_error (error, RETORT_PYTHON_ERROR, RETORT_PYTHON_ERROR_BUNDLE);
  g_test_message ("%s", error->message);
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
}

static void
test_missing_zip (void)
{
  g_autofree char *dest = g_build_filename (tmp_dir, "missing", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (_retort_script_bundle_extract ("/nonexistent/bundle.zip", dest, 1 << 20, 10,
                                                 &error));
  g_assert_error (error, RETORT_PYTHON_ERROR, RETORT_PYTHON_ERROR_BUNDLE);
  g_assert_nonnull (strstr (error->message, "bundle.zip"));
  g_assert_false (g_file_test (dest, G_FILE_TEST_EXISTS));
}

static void
test_delete_tree_keeps_link_targets (void)
{
  g_autofree char *tree = g_build_filename (tmp_dir, "tree", NULL);
  g_autofree char *sub = g_build_filename (tree, "sub", NULL);
  g_autofree char *outside = g_build_filename (tmp_dir, "outside", NULL);
  g_autofree char *kept = g_build_filename (outside, "kept.txt", NULL);
  g_autofree char *link_dir = g_build_filename (sub, "to-outside", NULL);
  g_autofree char *link_file = g_build_filename (tree, "to-kept", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (sub, 0755), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (outside, 0755), ==, 0);
  g_assert_true (g_file_set_contents (kept, "kept", -1, NULL));
  g_assert_cmpint (symlink (outside, link_dir), ==, 0);
  g_assert_cmpint (symlink (kept, link_file), ==, 0);

  g_assert_true (_retort_python_delete_tree (tree, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (tree, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (kept, G_FILE_TEST_IS_REGULAR));

  /* Gone already: not an error. */
  g_assert_true (_retort_python_delete_tree (tree, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  tmp_dir = g_dir_make_tmp ("retort-bundle-test-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/script-bundle/extract", test_extract);
  g_test_add_func ("/script-bundle/lying-sizes", test_lying_sizes);
  g_test_add_func ("/script-bundle/missing-zip", test_missing_zip);
  g_test_add_func ("/script-bundle/delete-tree-keeps-link-targets", test_delete_tree_keeps_link_targets);

  status = g_test_run ();
  _retort_python_delete_tree (tmp_dir, NULL);
  g_free (tmp_dir);

  return status;
}
