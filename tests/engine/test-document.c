/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zip.h>

#include <glib/gstdio.h>

#include "retort-engine-lib.h"

#define SCRIPT_TEXT "import pandas as pd\n\n" \
                    "def azureml_main(dataframe1=None, dataframe2=None):\n" \
                    "    print(\"héllo\")\n" \
                    "    return dataframe1,\n"

static char *
make_temp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("retort-document-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static JsonNode *
string_node (const char *text)
{
  return json_node_init_string (json_node_alloc (), text);
}

/* A value that differs from the default, for every type. */
static JsonNode *
sample_value (const RetortParamSpec *spec,
              guint                  n)
{
  g_autofree char *text = g_strdup_printf ("value %u, “quoted”\nsecond line", n);
  g_autoptr(JsonNode) fallback = NULL;

  switch (spec->type)
    {
    case RETORT_PARAM_STRING:
    case RETORT_PARAM_TEXT:
      return string_node (text);
    case RETORT_PARAM_SCRIPT:
      return string_node (SCRIPT_TEXT);
    case RETORT_PARAM_INT:
      return json_node_init_int (json_node_alloc (), 7 + n);
    case RETORT_PARAM_DOUBLE:
      return json_node_init_double (json_node_alloc (), 2.5 + n);
    case RETORT_PARAM_BOOL:
      fallback = json_from_string (spec->default_json, NULL);
      return json_node_init_boolean (json_node_alloc (), !json_node_get_boolean (fallback));
    case RETORT_PARAM_CHOICE:
      return string_node (spec->choices[g_strv_length ((char **) spec->choices) - 1]);
    case RETORT_PARAM_PATH:
      return string_node ("data/input file.csv");
    case RETORT_PARAM_DATASET:
      return string_node ("embedded.csv");
    case RETORT_PARAM_COLUMNS:
      return json_from_string ("[\"a\", \"b c\"]", NULL);
    default:
      g_assert_not_reached ();
    }
}

static RetortModule *
find_kind (RetortExperiment *experiment,
           const char       *kind_id)
{
  for (guint i = 0; i < retort_experiment_get_n_modules (experiment); i++)
    {
      RetortModule *module = retort_experiment_get_module (experiment, i);

      if (g_str_equal (retort_module_get_kind (module)->id, kind_id))
        return module;
    }

  g_assert_not_reached ();
}

static void
connect_kinds (RetortExperiment *experiment,
               const char       *from,
               guint             from_port,
               const char       *to,
               guint             to_port)
{
  g_autoptr(GError) error = NULL;

  retort_experiment_connect (experiment,
                             retort_module_get_id (find_kind (experiment, from)), from_port,
                             retort_module_get_id (find_kind (experiment, to)), to_port, &error);
  g_assert_no_error (error);
}

/* One module of every kind, every parameter set, connections, datasets. */
static RetortExperiment *
build_full_experiment (void)
{
  RetortExperiment *experiment = retort_experiment_new ();
  g_autoptr(GBytes) csv = g_bytes_new_static ("a,b c\n1,x\n2,y\n", 14);
  g_autoptr(GBytes) binary = g_bytes_new_static ("PK\0\1\2\3\377\0end", 11);
  g_autoptr(GError) error = NULL;
  const RetortModuleKind **kinds;
  guint n_kinds;

  kinds = retort_module_kind_list (&n_kinds);
  g_assert_cmpuint (n_kinds, >=, 10);
  for (guint i = 0; i < n_kinds; i++)
    {
      RetortModule *module = retort_experiment_add_module (experiment, kinds[i]->id,
                                                           i * 120.5, -i * 40.25, &error);

      g_assert_no_error (error);
      for (guint p = 0; p < kinds[i]->n_params; p++)
        {
          g_autoptr(JsonNode) value = sample_value (&kinds[i]->params[p], i);

          retort_experiment_set_parameter (experiment, retort_module_get_id (module),
                                           kinds[i]->params[p].name, value, &error);
          g_assert_no_error (error);
        }
    }

  retort_experiment_set_title (experiment, retort_module_get_id (find_kind (experiment, "sql")),
                               "Jointure “données” 🧪", &error);
  g_assert_no_error (error);

  /* A removed module: its id stays used. */
  retort_experiment_remove_module (experiment,
                                   retort_module_get_id (retort_experiment_add_module (experiment, "sql", 0, 0, NULL)),
                                   &error);
  g_assert_no_error (error);

  connect_kinds (experiment, "import-data", 0, "select-columns", 0);
  connect_kinds (experiment, "select-columns", 0, "python-script", 0);
  connect_kinds (experiment, "dataset", 0, "python-script", 1);
  connect_kinds (experiment, "script-bundle", 0, "python-script", 2);
  connect_kinds (experiment, "python-script", 0, "sql", 0);
  connect_kinds (experiment, "enter-data", 0, "sql", 2);
  connect_kinds (experiment, "sql", 0, "summarize", 0);
  connect_kinds (experiment, "sql", 0, "export-data", 0);

  retort_experiment_set_dataset (experiment, "embedded.csv", csv, &error);
  g_assert_no_error (error);
  retort_experiment_set_dataset (experiment, "bundle.zip", binary, &error);
  g_assert_no_error (error);

  return experiment;
}

static gboolean
has_connection (RetortExperiment       *experiment,
                const RetortConnection *connection)
{
  const RetortConnection *source = retort_experiment_find_source (experiment,
                                                                  connection->to_module,
                                                                  connection->to_port);

  return source != NULL && g_str_equal (source->from_module, connection->from_module) &&
         source->from_port == connection->from_port;
}

static void
assert_experiments_equal (RetortExperiment *a,
                          RetortExperiment *b)
{
  g_autoptr(GPtrArray) datasets_a = retort_experiment_list_datasets (a);
  g_autoptr(GPtrArray) datasets_b = retort_experiment_list_datasets (b);
  GPtrArray *connections_a = retort_experiment_get_connections (a);
  GPtrArray *connections_b = retort_experiment_get_connections (b);

  g_assert_cmpuint (retort_experiment_get_n_modules (a), ==, retort_experiment_get_n_modules (b));
  for (guint i = 0; i < retort_experiment_get_n_modules (a); i++)
    {
      RetortModule *ma = retort_experiment_get_module (a, i);
      RetortModule *mb = retort_experiment_get_module (b, i);
      g_autoptr(JsonNode) pa = json_node_alloc ();
      g_autoptr(JsonNode) pb = json_node_alloc ();

      json_node_take_object (json_node_init (pa, JSON_NODE_OBJECT), retort_module_dup_parameters (ma));
      json_node_take_object (json_node_init (pb, JSON_NODE_OBJECT), retort_module_dup_parameters (mb));
      g_assert_cmpstr (retort_module_get_id (ma), ==, retort_module_get_id (mb));
      g_assert_true (retort_module_get_kind (ma) == retort_module_get_kind (mb));
      g_assert_cmpstr (retort_module_get_title (ma), ==, retort_module_get_title (mb));
      g_assert_cmpfloat (retort_module_get_x (ma), ==, retort_module_get_x (mb));
      g_assert_cmpfloat (retort_module_get_y (ma), ==, retort_module_get_y (mb));
      g_assert_true (json_node_equal (pa, pb));
    }

  g_assert_cmpuint (connections_a->len, ==, connections_b->len);
  for (guint i = 0; i < connections_a->len; i++)
    g_assert_true (has_connection (b, g_ptr_array_index (connections_a, i)));

  g_assert_cmpuint (datasets_a->len, ==, datasets_b->len);
  for (guint i = 0; i < datasets_a->len; i++)
    {
      const char *name = g_ptr_array_index (datasets_a, i);

      g_assert_cmpstr (name, ==, g_ptr_array_index (datasets_b, i));
      g_assert_true (g_bytes_equal (retort_experiment_get_dataset (a, name),
                                    retort_experiment_get_dataset (b, name)));
    }
}

static GBytes *
read_zip_entry (const char *path,
                const char *name)
{
  zip_t *zip = zip_open (path, ZIP_RDONLY, NULL);
  zip_file_t *file;
  zip_stat_t st;
  char *data;

  g_assert_nonnull (zip);
  g_assert_cmpint (zip_stat (zip, name, 0, &st), ==, 0);
  file = zip_fopen (zip, name, 0);
  g_assert_nonnull (file);
  data = g_malloc (st.size + 1);
  g_assert_cmpint (zip_fread (file, data, st.size), ==, (zip_int64_t) st.size);
  zip_fclose (file);
  zip_discard (zip);

  return g_bytes_new_take (data, st.size);
}

static RetortExperiment *
load_ok (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  RetortExperiment *experiment = retort_experiment_load (file, &error);

  g_assert_no_error (error);
  g_assert_nonnull (experiment);
  return experiment;
}

static void
save_ok (RetortExperiment *experiment,
         const char       *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_assert_true (retort_experiment_save (experiment, file, &error));
  g_assert_no_error (error);
  g_assert_false (retort_experiment_get_modified (experiment));
  g_assert_true (g_file_equal (retort_experiment_get_file (experiment), file));
}

static void
test_round_trip (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *first = g_build_filename (dir, "first.retort", NULL);
  g_autofree char *second = g_build_filename (dir, "second.retort", NULL);
  g_autoptr(RetortExperiment) original = build_full_experiment ();
  g_autoptr(RetortExperiment) loaded = NULL;
  g_autoptr(RetortExperiment) reloaded = NULL;
  g_autoptr(GBytes) json_first = NULL;
  g_autoptr(GBytes) json_second = NULL;
  g_autoptr(GFile) file = NULL;
  RetortModule *added_original, *added_loaded;

  g_assert_true (retort_experiment_get_modified (original));
  g_assert_null (retort_experiment_get_file (original));
  save_ok (original, first);
  /* Saving is no edit: undo still works, and returns to "modified". */
  g_assert_true (retort_experiment_can_undo (original));

  loaded = load_ok (first);
  file = g_file_new_for_path (first);
  g_assert_true (g_file_equal (retort_experiment_get_file (loaded), file));
  g_assert_false (retort_experiment_get_modified (loaded));
  g_assert_false (retort_experiment_can_undo (loaded));
  g_assert_false (retort_experiment_can_redo (loaded));
  assert_experiments_equal (original, loaded);
  g_assert_cmpstr (retort_module_get_string (find_kind (loaded, "python-script"), "script"), ==,
                   SCRIPT_TEXT);

  save_ok (loaded, second);
  json_first = read_zip_entry (first, "experiment.json");
  json_second = read_zip_entry (second, "experiment.json");
  g_assert_true (g_bytes_equal (json_first, json_second));
  reloaded = load_ok (second);
  assert_experiments_equal (original, reloaded);

  /* Ids stay unique after loading (next_id was saved). */
  added_original = retort_experiment_add_module (original, "sql", 0, 0, NULL);
  added_loaded = retort_experiment_add_module (loaded, "sql", 0, 0, NULL);
  g_assert_cmpstr (retort_module_get_id (added_original), ==, retort_module_get_id (added_loaded));

  /* Edits after a load: modified until undone. */
  g_assert_true (retort_experiment_get_modified (loaded));
  g_assert_true (retort_experiment_undo (loaded));
  g_assert_false (retort_experiment_get_modified (loaded));

  remove_tree (dir);
}

static void
test_scripts_readable (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "scripts.retort", NULL);
  g_autoptr(RetortExperiment) experiment = retort_experiment_new ();
  g_autoptr(JsonNode) script = string_node (SCRIPT_TEXT);
  g_autoptr(GError) error = NULL;
  g_autofree char *listing = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *unzip = g_find_program_in_path ("unzip");
  g_autoptr(GBytes) json = NULL;
  int status;

  retort_experiment_add_module (experiment, "import-data", 0, 0, NULL);
  retort_experiment_add_module (experiment, "sql", 0, 0, NULL);
  retort_experiment_add_module (experiment, "python-script", 0, 0, NULL);
  g_assert_true (retort_experiment_set_parameter (experiment, "m3", "script", script, &error));
  g_assert_no_error (error);
  save_ok (experiment, path);

  json = read_zip_entry (path, "experiment.json");
  g_assert_nonnull (g_strstr_len (g_bytes_get_data (json, NULL), g_bytes_get_size (json),
                                  "\"file\" : \"scripts/m3.py\""));

  if (unzip == NULL)
    {
      g_autoptr(GBytes) text = read_zip_entry (path, "scripts/m3.py");

      g_assert_cmpmem (g_bytes_get_data (text, NULL), g_bytes_get_size (text),
                       SCRIPT_TEXT, strlen (SCRIPT_TEXT));
      g_test_message ("unzip is not installed: the script was read with libzip");
    }
  else
    {
      const char *list_argv[] = { unzip, "-l", path, NULL };
      const char *print_argv[] = { unzip, "-p", path, "scripts/m3.py", NULL };

      g_spawn_sync (NULL, (char **) list_argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                    &listing, NULL, &status, &error);
      g_assert_no_error (error);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      g_assert_nonnull (strstr (listing, "scripts/m3.py"));
      g_assert_nonnull (strstr (listing, "experiment.json"));

      g_spawn_sync (NULL, (char **) print_argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                    &contents, NULL, &status, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (contents, ==, SCRIPT_TEXT);
    }

  /* Typing after a save starts a new undo step, so that undo gets back
   * to exactly what was saved, unmodified. */
  g_clear_pointer (&script, json_node_unref);
  script = string_node (SCRIPT_TEXT "#");
  g_assert_true (retort_experiment_set_parameter (experiment, "m3", "script", script, NULL));
  g_clear_pointer (&script, json_node_unref);
  script = string_node (SCRIPT_TEXT "# a comment");
  g_assert_true (retort_experiment_set_parameter (experiment, "m3", "script", script, NULL));
  g_assert_true (retort_experiment_get_modified (experiment));
  g_assert_true (retort_experiment_undo (experiment));
  g_assert_false (retort_experiment_get_modified (experiment));
  g_assert_cmpstr (retort_module_get_string (retort_experiment_find_module (experiment, "m3"), "script"),
                   ==, SCRIPT_TEXT);

  remove_tree (dir);
}

static void
assert_only_file (const char *dir,
                  const char *name)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *entry;
  guint n = 0;

  while ((entry = g_dir_read_name (handle)) != NULL)
    {
      g_assert_cmpstr (entry, ==, name);
      n++;
    }
  g_assert_cmpuint (n, ==, 1);
}

static void
test_atomic_save_failure (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "document.retort", NULL);
  g_autoptr(RetortExperiment) small = retort_experiment_new ();
  g_autoptr(RetortExperiment) large = build_full_experiment ();
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GBytes) noise = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize before_length, after_length;
  g_autofree guint32 *random = g_new (guint32, 256 * 1024);
  struct rlimit limit, saved;
  void (*saved_handler) (int);
  gboolean saved_ok;

  retort_experiment_add_module (small, "import-data", 1, 2, NULL);
  save_ok (small, path);
  g_assert_true (g_file_get_contents (path, &before, &before_length, NULL));

  /* Data that does not compress: the new document is ~1 MiB. */
  for (guint i = 0; i < 256 * 1024; i++)
    random[i] = g_random_int ();
  noise = g_bytes_new (random, 256 * 1024 * sizeof (guint32));
  g_assert_true (retort_experiment_set_dataset (large, "noise.bin", noise, NULL));

  /* A full disk, as root can have it too: the file size limit makes a
   * write fail part way (EFBIG), as ENOSPC would. */
  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  limit = saved;
  limit.rlim_cur = 64 * 1024;
  saved_handler = signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
  saved_ok = retort_experiment_save (large, file, &error);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  signal (SIGXFSZ, saved_handler);

  g_assert_false (saved_ok);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_test_message ("refused: %s", error->message);
  g_assert_nonnull (strstr (error->message, "document.retort"));
  g_clear_error (&error);

  /* The old document is whole, no temporary file is left, and the
   * experiment still has unsaved changes and no file. */
  g_assert_true (g_file_get_contents (path, &after, &after_length, NULL));
  g_assert_cmpmem (before, before_length, after, after_length);
  assert_only_file (dir, "document.retort");
  g_assert_true (retort_experiment_get_modified (large));
  g_assert_null (retort_experiment_get_file (large));
  g_clear_object (&small);
  small = load_ok (path);
  g_assert_cmpuint (retort_experiment_get_n_modules (small), ==, 1);

  /* A folder that cannot be written (root writes anyway: skip then). */
  if (geteuid () != 0)
    {
      g_assert_cmpint (g_chmod (dir, 0555), ==, 0);
      g_assert_false (retort_experiment_save (large, file, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
      g_clear_error (&error);
      g_assert_cmpint (g_chmod (dir, 0755), ==, 0);
      g_clear_pointer (&after, g_free);
      g_assert_true (g_file_get_contents (path, &after, &after_length, NULL));
      g_assert_cmpmem (before, before_length, after, after_length);
    }

  /* A folder that does not exist. */
  {
    g_autofree char *missing = g_build_filename (dir, "no-such-folder", "x.retort", NULL);
    g_autoptr(GFile) missing_file = g_file_new_for_path (missing);

    g_assert_false (retort_experiment_save (large, missing_file, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }

  /* Then saving works, and replaces the document whole. */
  save_ok (large, path);
  g_clear_object (&small);
  small = load_ok (path);
  assert_experiments_equal (large, small);
  assert_only_file (dir, "document.retort");

  remove_tree (dir);
}

/* Writes a zip of (name, text) pairs, NULL-terminated. */
static void
write_zip (const char *path,
           ...)
{
  zip_t *zip = zip_open (path, ZIP_CREATE | ZIP_TRUNCATE, NULL);
  va_list args;
  const char *name;

  g_assert_nonnull (zip);
  va_start (args, path);
  while ((name = va_arg (args, const char *)) != NULL)
    {
      const char *text = va_arg (args, const char *);
      zip_source_t *source = zip_source_buffer (zip, g_strdup (text), strlen (text), 1);

      g_assert_cmpint (zip_file_add (zip, name, source, 0), >=, 0);
    }
  va_end (args);
  g_assert_cmpint (zip_close (zip), ==, 0);
}

static void
assert_load_fails (const char *path,
                   int         code,
                   const char *needle)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(RetortExperiment) experiment = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *dir = g_path_get_dirname (path);
  gsize before_length, after_length;
  GStatBuf st_before, st_after;
  guint n_before = 0, n_after = 0;
  g_autoptr(GDir) listing = NULL;

  g_assert_true (g_file_get_contents (path, &before, &before_length, NULL));
  g_assert_cmpint (g_stat (path, &st_before), ==, 0);
  listing = g_dir_open (dir, 0, NULL);
  while (g_dir_read_name (listing) != NULL)
    n_before++;

  experiment = retort_experiment_load (file, &error);
  g_assert_null (experiment);
  g_assert_error (error, RETORT_ENGINE_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, base));
  if (needle != NULL)
    g_assert_nonnull (strstr (error->message, needle));

  /* Nothing changed on disk. */
  g_assert_true (g_file_get_contents (path, &after, &after_length, NULL));
  g_assert_cmpmem (before, before_length, after, after_length);
  g_assert_cmpint (g_stat (path, &st_after), ==, 0);
  g_assert_cmpint (st_before.st_mtime, ==, st_after.st_mtime);
  g_dir_rewind (listing);
  while (g_dir_read_name (listing) != NULL)
    n_after++;
  g_assert_cmpuint (n_before, ==, n_after);
}

#define MODULE(id, kind) "{\"id\": \"" id "\", \"kind\": \"" kind "\", \"x\": 0, \"y\": 0}"

static void
test_damaged (void)
{
  g_autofree char *dir = make_temp_dir ();
  g_autofree char *good = g_build_filename (dir, "good.retort", NULL);
  g_autofree char *path = g_build_filename (dir, "damaged.retort", NULL);
  g_autoptr(RetortExperiment) experiment = build_full_experiment ();
  g_autofree char *contents = NULL;
  gsize length;

  save_ok (experiment, good);
  g_assert_true (g_file_get_contents (good, &contents, &length, NULL));

  /* Truncated: the end (and its central directory) is missing. */
  g_assert_true (g_file_set_contents (path, contents, length / 2, NULL));
  assert_load_fails (path, RETORT_ENGINE_ERROR_DOCUMENT, "damaged");

  /* A byte flipped in the first entry's data. */
  contents[60] ^= 0x55;
  g_assert_true (g_file_set_contents (path, contents, length, NULL));
  assert_load_fails (path, RETORT_ENGINE_ERROR_DOCUMENT, NULL);

  g_assert_true (g_file_set_contents (path, "name,age\nAda,36\n", -1, NULL));
  assert_load_fails (path, RETORT_ENGINE_ERROR_DOCUMENT, "not a Retort document");
  g_assert_true (g_file_set_contents (path, "", 0, NULL));
  assert_load_fails (path, RETORT_ENGINE_ERROR_DOCUMENT, NULL);

  write_zip (path, "scripts/m1.py", "print(1)\n", NULL);
  assert_load_fails (path, RETORT_ENGINE_ERROR_DOCUMENT, "experiment.json is missing");

  write_zip (path, "experiment.json", "{\"format\": \"retort-experiment\", \"version\": 1,", NULL);
  assert_load_fails (path, RETORT_ENGINE_ERROR_DOCUMENT, "not valid JSON");

  write_zip (path, "experiment.json", "[1, 2, 3]", NULL);
  assert_load_fails (path, RETORT_ENGINE_ERROR_DOCUMENT, "not a Retort experiment");

  write_zip (path, "experiment.json", "{\"format\": \"retort-experiment\", \"version\": 1, "
             "\"modules\": [" MODULE ("m1", "quantum-module") "]}", NULL);
  assert_load_fails (path, RETORT_ENGINE_ERROR_DOCUMENT, "quantum-module");

  write_zip (path, "experiment.json", "{\"format\": \"retort-experiment\", \"version\": 1, "
             "\"modules\": [" MODULE ("m1", "import-data") "], "
             "\"connections\": [{\"from\": \"m1\", \"from_port\": 0, \"to\": \"m7\", \"to_port\": 0}]}",
             NULL);
  assert_load_fails (path, RETORT_ENGINE_ERROR_DOCUMENT, "m7");

  write_zip (path, "experiment.json", "{\"format\": \"retort-experiment\", \"version\": 1, "
             "\"modules\": [" MODULE ("m1", "sql") ", " MODULE ("m2", "sql") "], "
             "\"connections\": [{\"from\": \"m1\", \"from_port\": 0, \"to\": \"m2\", \"to_port\": 0},"
             "                  {\"from\": \"m2\", \"from_port\": 0, \"to\": \"m1\", \"to_port\": 0}]}",
             NULL);
  assert_load_fails (path, RETORT_ENGINE_ERROR_DOCUMENT, "loop");

  write_zip (path, "experiment.json", "{\"format\": \"retort-experiment\", \"version\": 1, "
             "\"modules\": [" MODULE ("m1", "sql") ", " MODULE ("m1", "sql") "]}", NULL);
  assert_load_fails (path, RETORT_ENGINE_ERROR_DOCUMENT, "two modules");

  write_zip (path, "experiment.json", "{\"format\": \"retort-experiment\", \"version\": 1, "
             "\"modules\": [{\"id\": \"m1\", \"kind\": \"python-script\", "
             "\"parameters\": {\"script\": {\"file\": \"scripts/m1.py\"}}}]}", NULL);
  assert_load_fails (path, RETORT_ENGINE_ERROR_DOCUMENT, "scripts/m1.py is missing");

  write_zip (path, "experiment.json", "{\"format\": \"retort-experiment\", \"version\": 1, "
             "\"modules\": [{\"id\": \"m1\", \"kind\": \"python-script\", "
             "\"parameters\": {\"timeout\": \"soon\"}}]}", NULL);
  assert_load_fails (path, RETORT_ENGINE_ERROR_DOCUMENT, "m1");

  write_zip (path, "experiment.json", "{\"format\": \"retort-experiment\", \"version\": 1, "
             "\"modules\": [], \"datasets\": [\"gone.csv\"]}", NULL);
  assert_load_fails (path, RETORT_ENGINE_ERROR_DOCUMENT, "datasets/gone.csv");

  write_zip (path, "experiment.json", "{\"format\": \"retort-experiment\", \"version\": 2, "
             "\"modules\": \"whatever a newer format holds\"}", NULL);
  assert_load_fails (path, RETORT_ENGINE_ERROR_NEWER_FORMAT,
                     "made by a newer Retort (format 2); this version reads format 1");

  /* A minimal hand-written document is fine. */
  write_zip (path, "experiment.json", "{\"format\": \"retort-experiment\", \"version\": 1, "
             "\"modules\": [" MODULE ("m4", "import-data") "]}", NULL);
  {
    g_autoptr(RetortExperiment) minimal = load_ok (path);

    g_assert_cmpuint (retort_experiment_get_n_modules (minimal), ==, 1);
    g_assert_cmpstr (retort_module_get_title (retort_experiment_get_module (minimal, 0)), ==,
                     "Import Data");
    g_assert_cmpstr (retort_module_get_id (retort_experiment_add_module (minimal, "sql", 0, 0, NULL)),
                     ==, "m5");
  }

  remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_log_writer_default_set_use_stderr (TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/engine/document/round-trip", test_round_trip);
  g_test_add_func ("/engine/document/scripts-readable", test_scripts_readable);
  g_test_add_func ("/engine/document/atomic-save-failure", test_atomic_save_failure);
  g_test_add_func ("/engine/document/damaged", test_damaged);

  return g_test_run ();
}
