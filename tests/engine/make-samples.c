/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Writes the sample experiments of data/samples/ with the engine's API, so
 * that they follow the document format as it is:
 *
 *   make-samples SAMPLES-DIR [OUTPUT-DIR]
 *
 * reads the datasets from SAMPLES-DIR and writes the .retort files to
 * OUTPUT-DIR (SAMPLES-DIR itself by default). test-run-command checks that
 * the committed samples are what this writes.
 */
#include "config.h"

#include <zip.h>

#include "retort-engine-lib.h"

#define PYTHON_KIND "python-script"

static const char feature_importance_script[] =
  "# Ranks the features by how much an ExtraTreesClassifier relies on them.\n"
  "import matplotlib\n"
  "matplotlib.use(\"Agg\")\n"
  "import matplotlib.pyplot as plt\n"
  "import pandas as pd\n"
  "from sklearn.ensemble import ExtraTreesClassifier\n"
  "\n"
  "\n"
  "def azureml_main(dataframe1=None, dataframe2=None):\n"
  "    label = dataframe1.columns[-1]\n"
  "    features = dataframe1.drop(columns=[label])\n"
  "    model = ExtraTreesClassifier(n_estimators=200, random_state=0)\n"
  "    model.fit(features, dataframe1[label])\n"
  "    ranking = pd.DataFrame({\"feature\": features.columns,\n"
  "                            \"score\": model.feature_importances_})\n"
  "    ranking = ranking.sort_values(\"score\", ascending=False).reset_index(drop=True)\n"
  "\n"
  "    fig, ax = plt.subplots(figsize=(9, 5))\n"
  "    ax.barh(ranking[\"feature\"][::-1], ranking[\"score\"][::-1])\n"
  "    ax.set_xlabel(\"Importance\")\n"
  "    ax.set_title(\"Feature importance (ExtraTreesClassifier)\")\n"
  "    fig.tight_layout()\n"
  "    fig.savefig(\"feature-importance.png\", dpi=80)\n"
  "    plt.close(fig)\n"
  "    return ranking,\n";

static const char scatter_matrix_script[] =
  "# Every pair of features against each other, histograms on the diagonal.\n"
  "import matplotlib\n"
  "matplotlib.use(\"Agg\")\n"
  "import matplotlib.pyplot as plt\n"
  "from pandas.plotting import scatter_matrix\n"
  "\n"
  "\n"
  "def azureml_main(dataframe1=None, dataframe2=None):\n"
  "    features = dataframe1.iloc[:, :-1]\n"
  "    features.columns = [name.split(\" (\")[0][:18] for name in features.columns]\n"
  "    scatter_matrix(features, figsize=(12, 12), diagonal=\"hist\", alpha=0.3, s=6)\n"
  "    plt.savefig(\"scatter-matrix.png\", dpi=60)\n"
  "    plt.close(\"all\")\n"
  "    return dataframe1,\n";

static const char bundle_script[] =
  "# hello.py comes from the Script Bundle connected to port 3.\n"
  "from hello import print_hello\n"
  "\n"
  "\n"
  "def azureml_main(dataframe1=None, dataframe2=None):\n"
  "    print_hello()\n"
  "    return None\n";

static const char hello_module[] =
  "def print_hello():\n"
  "    print(\"Hello from the script bundle!\")\n";

static const char clean_script[] =
  "# Missing values (empty fields) get the column's most frequent value.\n"
  "def azureml_main(dataframe1=None, dataframe2=None):\n"
  "    cleaned = dataframe1.copy()\n"
  "    for column in cleaned.columns:\n"
  "        if cleaned[column].isna().any():\n"
  "            cleaned[column] = cleaned[column].fillna(cleaned[column].mode()[0])\n"
  "    print(\"missing values left:\", int(cleaned.isna().sum().sum()))\n"
  "    return cleaned,\n";

static const char age_groups[] =
  "age,age_midpoint\n"
  "20-29,25\n"
  "30-39,35\n"
  "40-49,45\n"
  "50-59,55\n"
  "60-69,65\n"
  "70-79,75\n";

static const char join_query[] =
  "-- Each patient's age group as a number, from the lookup table.\n"
  "SELECT c.*, a.age_midpoint\n"
  "FROM t1 AS c\n"
  "JOIN t2 AS a ON c.age = a.age;\n";

static const char train_script[] =
  "# Trains a random forest on 70% of the patients and evaluates it on the rest.\n"
  "import matplotlib\n"
  "matplotlib.use(\"Agg\")\n"
  "import matplotlib.pyplot as plt\n"
  "import pandas as pd\n"
  "from sklearn.ensemble import RandomForestClassifier\n"
  "from sklearn.metrics import ConfusionMatrixDisplay, accuracy_score, f1_score\n"
  "from sklearn.model_selection import train_test_split\n"
  "\n"
  "\n"
  "def azureml_main(dataframe1=None, dataframe2=None):\n"
  "    label = \"Class\"\n"
  "    features = pd.get_dummies(dataframe1.drop(columns=[label, \"age\"]))\n"
  "    target = dataframe1[label]\n"
  "    x_train, x_test, y_train, y_test = train_test_split(\n"
  "        features, target, test_size=0.3, random_state=0, stratify=target)\n"
  "    model = RandomForestClassifier(n_estimators=200, random_state=0)\n"
  "    model.fit(x_train, y_train)\n"
  "    predicted = model.predict(x_test)\n"
  "\n"
  "    fig, ax = plt.subplots(figsize=(6, 5))\n"
  "    ConfusionMatrixDisplay.from_predictions(y_test, predicted, ax=ax)\n"
  "    ax.set_title(\"Confusion matrix\")\n"
  "    fig.tight_layout()\n"
  "    fig.savefig(\"confusion-matrix.png\", dpi=80)\n"
  "    plt.close(fig)\n"
  "\n"
  "    return pd.DataFrame({\n"
  "        \"metric\": [\"accuracy\", \"f1 (recurrence)\", \"test rows\"],\n"
  "        \"value\": [accuracy_score(y_test, predicted),\n"
  "                  f1_score(y_test, predicted, pos_label=\"recurrence-events\"),\n"
  "                  float(len(y_test))],\n"
  "    }),\n";

static void
check (gboolean ok,
       GError  *error)
{
  if (!ok)
    g_error ("make-samples: %s", error != NULL ? error->message : "failed");
}

static RetortModule *
add (RetortExperiment *experiment,
     const char       *kind,
     const char       *title,
     double            x,
     double            y)
{
  GError *error = NULL;
  RetortModule *module = retort_experiment_add_module (experiment, kind, x, y, &error);

  check (module != NULL, error);
  check (retort_experiment_set_title (experiment, retort_module_get_id (module), title, &error),
         error);
  return module;
}

static void
set_string (RetortExperiment *experiment,
            RetortModule     *module,
            const char       *name,
            const char       *value)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);
  GError *error = NULL;

  json_node_set_string (node, value);
  check (retort_experiment_set_parameter (experiment, retort_module_get_id (module), name, node,
                                          &error), error);
}

static void
connect (RetortExperiment *experiment,
         RetortModule     *from,
         guint             from_port,
         RetortModule     *to,
         guint             to_port)
{
  GError *error = NULL;

  check (retort_experiment_connect (experiment, retort_module_get_id (from), from_port,
                                    retort_module_get_id (to), to_port, &error), error);
}

static void
embed_file (RetortExperiment *experiment,
            const char       *samples_dir,
            const char       *name)
{
  g_autofree char *path = g_build_filename (samples_dir, name, NULL);
  g_autofree char *contents = NULL;
  gsize length;
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;

  check (g_file_get_contents (path, &contents, &length, &error), error);
  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  check (retort_experiment_set_dataset (experiment, name, bytes, &error), error);
}

static RetortModule *
add_dataset (RetortExperiment *experiment,
             const char       *samples_dir,
             const char       *name,
             const char       *title)
{
  RetortModule *module = add (experiment, "dataset", title, 40, 40);

  embed_file (experiment, samples_dir, name);
  set_string (experiment, module, "name", name);
  return module;
}

static void
save (RetortExperiment *experiment,
      const char       *output_dir,
      const char       *name)
{
  g_autofree char *path = g_build_filename (output_dir, name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GError *error = NULL;

  check (retort_experiment_save (experiment, file, &error), error);
}

/* A zip made in memory: the same bytes every time (fixed entry times). */
static GBytes *
make_hello_zip (void)
{
  zip_error_t zerror;
  zip_source_t *source;
  zip_source_t *file_source;
  zip_t *archive;
  zip_int64_t index;
  zip_stat_t st;
  void *data;

  zip_error_init (&zerror);
  source = zip_source_buffer_create (NULL, 0, 0, &zerror);
  g_assert (source != NULL);
  zip_source_keep (source);
  archive = zip_open_from_source (source, ZIP_TRUNCATE, &zerror);
  g_assert (archive != NULL);
  file_source = zip_source_buffer (archive, hello_module, strlen (hello_module), 0);
  index = zip_file_add (archive, "hello.py", file_source, ZIP_FL_ENC_UTF_8);
  g_assert (index >= 0);
  zip_file_set_mtime (archive, index, 1577836800, 0);
  g_assert (zip_close (archive) == 0);

  g_assert (zip_source_stat (source, &st) == 0);
  g_assert (zip_source_open (source) == 0);
  data = g_malloc (st.size);
  g_assert (zip_source_read (source, data, st.size) == (zip_int64_t) st.size);
  zip_source_close (source);
  zip_source_free (source);

  return g_bytes_new_take (data, st.size);
}

int
main (int    argc,
      char **argv)
{
  const char *samples_dir;
  const char *output_dir;

  if (argc < 2 || argc > 3)
    {
      g_printerr ("Usage: make-samples SAMPLES-DIR [OUTPUT-DIR]\n");
      return 2;
    }
  samples_dir = argv[1];
  output_dir = argc == 3 ? argv[2] : argv[1];

  {
    g_autoptr(RetortExperiment) experiment = retort_experiment_new ();
    RetortModule *data = add_dataset (experiment, samples_dir, "pima-indians-diabetes.csv",
                                      "Pima Indians Diabetes");
    RetortModule *rank = add (experiment, PYTHON_KIND, "Rank Features", 40, 200);

    set_string (experiment, rank, "script", feature_importance_script);
    connect (experiment, data, 0, rank, 0);
    save (experiment, output_dir, "pima-feature-importance.retort");
  }

  {
    g_autoptr(RetortExperiment) experiment = retort_experiment_new ();
    RetortModule *data = add_dataset (experiment, samples_dir, "pima-indians-diabetes.csv",
                                      "Pima Indians Diabetes");
    RetortModule *plot = add (experiment, PYTHON_KIND, "Scatter Matrix", 40, 200);

    set_string (experiment, plot, "script", scatter_matrix_script);
    connect (experiment, data, 0, plot, 0);
    save (experiment, output_dir, "pima-scatter-matrix.retort");
  }

  {
    g_autoptr(RetortExperiment) experiment = retort_experiment_new ();
    g_autoptr(GBytes) zip = make_hello_zip ();
    RetortModule *bundle = add (experiment, "script-bundle", "Hello.zip", 300, 40);
    RetortModule *script = add (experiment, PYTHON_KIND, "Say Hello", 300, 200);
    GError *error = NULL;

    check (retort_experiment_set_dataset (experiment, "Hello.zip", zip, &error), error);
    set_string (experiment, bundle, "name", "Hello.zip");
    set_string (experiment, script, "script", bundle_script);
    connect (experiment, bundle, 0, script, 2);
    save (experiment, output_dir, "script-bundle.retort");
  }

  {
    g_autoptr(RetortExperiment) experiment = retort_experiment_new ();
    RetortModule *data = add_dataset (experiment, samples_dir, "breast-cancer.csv",
                                      "Breast Cancer");
    RetortModule *clean = add (experiment, PYTHON_KIND, "Clean Missing Values", 40, 180);
    RetortModule *lookup = add (experiment, "enter-data", "Age Groups", 320, 180);
    RetortModule *join = add (experiment, "sql", "Join Age Groups", 180, 320);
    RetortModule *train = add (experiment, PYTHON_KIND, "Train and Evaluate", 180, 460);

    set_string (experiment, clean, "script", clean_script);
    set_string (experiment, lookup, "data", age_groups);
    set_string (experiment, join, "query", join_query);
    set_string (experiment, train, "script", train_script);
    connect (experiment, data, 0, clean, 0);
    connect (experiment, clean, 0, join, 0);
    connect (experiment, lookup, 0, join, 1);
    connect (experiment, join, 0, train, 0);
    save (experiment, output_dir, "python-sql-pipeline.retort");
  }

  return 0;
}
