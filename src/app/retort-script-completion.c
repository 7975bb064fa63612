/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "retort-script-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "retort-completion-proposal.h"
#include "retort-script-completion.h"

/* The runner answers at most this many names: a longer list was cut, and
 * is asked for again as the word grows. */
#define RUNNER_MAX_ITEMS 200

struct _RetortScriptCompletion
{
  GObject             parent_instance;

  GStrv               columns;
  RetortPythonRunner *runner;

  /* The proposals on show: the runner's first (runner_count of them). */
  GListStore         *store;
  guint               runner_count;
  gboolean            capped;
  GCancellable       *requery;
};

/* Python 3.11's keyword.kwlist and the builtins a script uses. */
static const char * const keywords[] = {
  "False", "None", "True", "and", "as", "assert", "async", "await", "break",
  "class", "continue", "def", "del", "elif", "else", "except", "finally",
  "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
  "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
};

static const char * const builtins[] = {
  "abs", "all", "any", "ascii", "bin", "bool", "breakpoint", "bytearray",
  "bytes", "callable", "chr", "classmethod", "compile", "complex", "delattr",
  "dict", "dir", "divmod", "enumerate", "eval", "exec", "filter", "float",
  "format", "frozenset", "getattr", "globals", "hasattr", "hash", "help",
  "hex", "id", "input", "int", "isinstance", "issubclass", "iter", "len",
  "list", "locals", "map", "max", "memoryview", "min", "next", "object",
  "oct", "open", "ord", "pow", "print", "property", "range", "repr",
  "reversed", "round", "set", "setattr", "slice", "sorted", "staticmethod",
  "str", "sum", "super", "tuple", "type", "vars", "zip",
  "ArithmeticError", "AssertionError", "AttributeError", "Exception",
  "FileNotFoundError", "ImportError", "IndexError", "KeyError",
  "KeyboardInterrupt", "LookupError", "MemoryError", "NameError",
  "NotImplementedError", "OSError", "OverflowError", "RuntimeError",
  "StopIteration", "TypeError", "ValueError", "ZeroDivisionError",
};

static void completion_provider_iface_init (GtkSourceCompletionProviderInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (RetortScriptCompletion, retort_script_completion, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GTK_SOURCE_TYPE_COMPLETION_PROVIDER,
                                                      completion_provider_iface_init))

/* The quote of `name["` or `name['` just before @begin, or 0. */
static gunichar
column_quote_before (const GtkTextIter *begin)
{
  GtkTextIter quote = *begin;
  GtkTextIter bracket;
  gunichar ch;

  if (!gtk_text_iter_backward_char (&quote))
    return 0;
  ch = gtk_text_iter_get_char (&quote);
  if (ch != '"' && ch != '\'')
    return 0;
  bracket = quote;
  if (!gtk_text_iter_backward_char (&bracket) || gtk_text_iter_get_char (&bracket) != '[')
    return 0;

  return ch;
}

static char *
retort_script_completion_get_title (GtkSourceCompletionProvider *provider)
{
  return g_strdup (_("Python"));
}

static int
retort_script_completion_get_priority (GtkSourceCompletionProvider *provider,
                                       GtkSourceCompletionContext  *context)
{
  /* Above the buffer's words. */
  return 100;
}

static gboolean
retort_script_completion_is_trigger (GtkSourceCompletionProvider *provider,
                                     const GtkTextIter           *iter,
                                     gunichar                     ch)
{
  RetortScriptCompletion *self = RETORT_SCRIPT_COMPLETION (provider);

  /* @iter is after @ch: `df["` asks for the columns, `np.` for the
   * attributes the runner knows. */
  if (ch == '"' || ch == '\'')
    return self->columns != NULL && column_quote_before (iter) != 0;
  if (ch == '.')
    return self->runner != NULL;
  return FALSE;
}

static GListModel *
filtered (GListStore *store,
          const char *word)
{
  GtkExpression *expression =
    gtk_property_expression_new (RETORT_TYPE_COMPLETION_PROPOSAL, NULL, "text");
  GtkStringFilter *filter = gtk_string_filter_new (expression);

  gtk_string_filter_set_match_mode (filter, GTK_STRING_FILTER_MATCH_MODE_PREFIX);
  gtk_string_filter_set_ignore_case (filter, TRUE);
  gtk_string_filter_set_search (filter, word);

  /* The model takes both. */
  return G_LIST_MODEL (gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (store)),
                                                  GTK_FILTER (filter)));
}

static void
add_words (GListStore         *store,
           const char * const *words,
           gsize               n_words,
           const char         *kind)
{
  for (gsize i = 0; i < n_words; i++)
    {
      g_autoptr(RetortCompletionProposal) proposal =
        retort_completion_proposal_new (words[i], kind, NULL);

      g_list_store_append (store, proposal);
    }
}

typedef struct
{
  GListStore *store;
  char       *word;
} Populate;

static void
populate_free (Populate *populate)
{
  g_clear_object (&populate->store);
  g_free (populate->word);
  g_free (populate);
}

/* Puts the runner's @items first in @store, in place of the last ones. */
static void
replace_runner_items (RetortScriptCompletion *self,
                      GListStore             *store,
                      GPtrArray              *items)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) proposals = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < items->len; i++)
    {
      RetortCompletionItem *item = g_ptr_array_index (items, i);

      if (g_hash_table_add (seen, item->text))
        g_ptr_array_add (proposals,
                         retort_completion_proposal_new (item->text, item->kind, item->detail));
    }

  g_list_store_splice (store, 0, self->runner_count, proposals->pdata, proposals->len);
  self->runner_count = proposals->len;
  self->capped = items->len >= RUNNER_MAX_ITEMS;
}

static void
complete_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Populate *populate = g_task_get_task_data (task);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;

  items = retort_python_runner_complete_finish (RETORT_PYTHON_RUNNER (object), result, &error);
  if (items == NULL)
    {
      /* Completion is a convenience: a runner that failed to answer leaves
       * the keywords and builtins. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("The runner could not complete: %s", error->message);
    }
  else
    {
      RetortScriptCompletion *self = g_task_get_source_object (task);

      /* The runner's answers first: they know the context. */
      g_set_object (&self->store, populate->store);
      self->runner_count = 0;
      replace_runner_items (self, populate->store, items);
    }

  g_task_return_pointer (task, filtered (populate->store, populate->word), g_object_unref);
}

static void
retort_script_completion_populate_async (GtkSourceCompletionProvider *provider,
                                         GtkSourceCompletionContext  *context,
                                         GCancellable                *cancellable,
                                         GAsyncReadyCallback          callback,
                                         gpointer                     user_data)
{
  RetortScriptCompletion *self = RETORT_SCRIPT_COMPLETION (provider);
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GListStore) store = g_list_store_new (RETORT_TYPE_COMPLETION_PROPOSAL);
  g_autofree char *word = gtk_source_completion_context_get_word (context);
  GtkTextIter begin, end, before;
  gboolean after_dot;
  Populate *populate;

  g_task_set_source_tag (task, retort_script_completion_populate_async);
  gtk_source_completion_context_get_bounds (context, &begin, &end);
  g_cancellable_cancel (self->requery);
  g_clear_object (&self->requery);
  g_clear_object (&self->store);
  self->runner_count = 0;
  self->capped = FALSE;

  if (column_quote_before (&begin) != 0)
    {
      /* Inside df["...: the columns, and nothing else makes sense. */
      if (self->columns != NULL)
        add_words (store, (const char * const *) self->columns,
                   g_strv_length (self->columns), "column");
      g_task_return_pointer (task, filtered (store, word), g_object_unref);
      return;
    }

  before = begin;
  after_dot = gtk_text_iter_backward_char (&before) && gtk_text_iter_get_char (&before) == '.';
  if (!after_dot)
    {
      add_words (store, keywords, G_N_ELEMENTS (keywords), "keyword");
      add_words (store, builtins, G_N_ELEMENTS (builtins), "builtin");
    }
  if (self->runner == NULL)
    {
      g_task_return_pointer (task, filtered (store, word), g_object_unref);
      return;
    }

  {
    GtkTextBuffer *buffer = GTK_TEXT_BUFFER (gtk_source_completion_context_get_buffer (context));
    GtkTextIter start, stop;
    g_autofree char *source = NULL;

    gtk_text_buffer_get_bounds (buffer, &start, &stop);
    source = gtk_text_buffer_get_text (buffer, &start, &stop, FALSE);
    populate = g_new0 (Populate, 1);
    populate->store = g_steal_pointer (&store);
    populate->word = g_steal_pointer (&word);
    g_task_set_task_data (task, populate, (GDestroyNotify) populate_free);
    /* The runner completes at the cursor, which is the end of the word. */
    retort_python_runner_complete_async (self->runner, source,
                                         gtk_text_iter_get_line (&end) + 1,
                                         gtk_text_iter_get_line_offset (&end) + 1,
                                         cancellable, complete_cb, g_steal_pointer (&task));
  }
}

static GListModel *
retort_script_completion_populate_finish (GtkSourceCompletionProvider *provider,
                                          GAsyncResult                *result,
                                          GError                     **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
requery_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(RetortScriptCompletion) self = user_data;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;

  items = retort_python_runner_complete_finish (RETORT_PYTHON_RUNNER (object), result, &error);
  if (items == NULL || self->store == NULL)
    return;
  replace_runner_items (self, self->store, items);
}

static void
retort_script_completion_refilter (GtkSourceCompletionProvider *provider,
                                   GtkSourceCompletionContext  *context,
                                   GListModel                  *model)
{
  RetortScriptCompletion *self = RETORT_SCRIPT_COMPLETION (provider);
  g_autofree char *word = gtk_source_completion_context_get_word (context);
  GtkFilter *filter;

  if (!GTK_IS_FILTER_LIST_MODEL (model))
    return;
  filter = gtk_filter_list_model_get_filter (GTK_FILTER_LIST_MODEL (model));
  if (GTK_IS_STRING_FILTER (filter))
    gtk_string_filter_set_search (GTK_STRING_FILTER (filter), word);

  /* The runner's list was cut short (a DataFrame has hundreds of
   * attributes): ask again for the longer word, and the list follows. */
  if (self->capped && self->store != NULL && self->runner != NULL
      && gtk_filter_list_model_get_model (GTK_FILTER_LIST_MODEL (model)) == G_LIST_MODEL (self->store))
    {
      GtkTextBuffer *buffer = GTK_TEXT_BUFFER (gtk_source_completion_context_get_buffer (context));
      GtkTextIter start, stop, begin, end;
      g_autofree char *source = NULL;

      gtk_source_completion_context_get_bounds (context, &begin, &end);
      gtk_text_buffer_get_bounds (buffer, &start, &stop);
      source = gtk_text_buffer_get_text (buffer, &start, &stop, FALSE);
      g_cancellable_cancel (self->requery);
      g_clear_object (&self->requery);
      self->requery = g_cancellable_new ();
      retort_python_runner_complete_async (self->runner, source,
                                           gtk_text_iter_get_line (&end) + 1,
                                           gtk_text_iter_get_line_offset (&end) + 1,
                                           self->requery, requery_cb, g_object_ref (self));
    }
}

static void
retort_script_completion_display (GtkSourceCompletionProvider *provider,
                                  GtkSourceCompletionContext  *context,
                                  GtkSourceCompletionProposal *proposal,
                                  GtkSourceCompletionCell     *cell)
{
  RetortCompletionProposal *item = RETORT_COMPLETION_PROPOSAL (proposal);
  g_autofree char *word = NULL;

  switch (gtk_source_completion_cell_get_column (cell))
    {
    case GTK_SOURCE_COMPLETION_COLUMN_TYPED_TEXT:
      {
        PangoAttrList *attrs;

        word = gtk_source_completion_context_get_word (context);
        attrs = gtk_source_completion_fuzzy_highlight (retort_completion_proposal_get_text (item), word);
        gtk_source_completion_cell_set_text_with_attributes (cell,
                                                             retort_completion_proposal_get_text (item),
                                                             attrs);
        g_clear_pointer (&attrs, pango_attr_list_unref);
        break;
      }

    case GTK_SOURCE_COMPLETION_COLUMN_AFTER:
      gtk_source_completion_cell_set_text (cell, retort_completion_proposal_get_kind (item));
      break;

    case GTK_SOURCE_COMPLETION_COLUMN_COMMENT:
    case GTK_SOURCE_COMPLETION_COLUMN_DETAILS:
      gtk_source_completion_cell_set_text (cell, retort_completion_proposal_get_detail (item));
      break;

    case GTK_SOURCE_COMPLETION_COLUMN_ICON:
    case GTK_SOURCE_COMPLETION_COLUMN_BEFORE:
    default:
      gtk_source_completion_cell_set_text (cell, NULL);
      break;
    }
}

static void
retort_script_completion_activate (GtkSourceCompletionProvider *provider,
                                   GtkSourceCompletionContext  *context,
                                   GtkSourceCompletionProposal *proposal)
{
  RetortCompletionProposal *item = RETORT_COMPLETION_PROPOSAL (proposal);
  GtkTextBuffer *buffer = GTK_TEXT_BUFFER (gtk_source_completion_context_get_buffer (context));
  const char *text = retort_completion_proposal_get_text (item);
  GtkTextIter begin, end;
  gunichar quote;

  if (!gtk_source_completion_context_get_bounds (context, &begin, &end))
    return;
  quote = column_quote_before (&begin);

  gtk_text_buffer_begin_user_action (buffer);
  gtk_text_buffer_delete (buffer, &begin, &end);
  gtk_text_buffer_insert (buffer, &begin, text, -1);
  /* A column name closes its quote and bracket, unless they follow. */
  if (quote != 0 && gtk_text_iter_get_char (&begin) != quote)
    {
      char closing[8];
      int length = g_unichar_to_utf8 (quote, closing);

      closing[length++] = ']';
      closing[length] = '\0';
      gtk_text_buffer_insert (buffer, &begin, closing, -1);
    }
  gtk_text_buffer_end_user_action (buffer);
}

static void
completion_provider_iface_init (GtkSourceCompletionProviderInterface *iface)
{
  iface->get_title = retort_script_completion_get_title;
  iface->get_priority = retort_script_completion_get_priority;
  iface->is_trigger = retort_script_completion_is_trigger;
  iface->populate_async = retort_script_completion_populate_async;
  iface->populate_finish = retort_script_completion_populate_finish;
  iface->refilter = retort_script_completion_refilter;
  iface->display = retort_script_completion_display;
  iface->activate = retort_script_completion_activate;
}

static void
retort_script_completion_finalize (GObject *object)
{
  RetortScriptCompletion *self = RETORT_SCRIPT_COMPLETION (object);

  g_clear_pointer (&self->columns, g_strfreev);
  g_clear_object (&self->runner);
  g_cancellable_cancel (self->requery);
  g_clear_object (&self->requery);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (retort_script_completion_parent_class)->finalize (object);
}

static void
retort_script_completion_class_init (RetortScriptCompletionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = retort_script_completion_finalize;
}

static void
retort_script_completion_init (RetortScriptCompletion *self)
{
}

RetortScriptCompletion *
retort_script_completion_new (void)
{
  return g_object_new (RETORT_TYPE_SCRIPT_COMPLETION, NULL);
}

void
retort_script_completion_set_columns (RetortScriptCompletion *self,
                                      const char * const     *names)
{
  g_return_if_fail (RETORT_IS_SCRIPT_COMPLETION (self));

  g_clear_pointer (&self->columns, g_strfreev);
  self->columns = g_strdupv ((char **) names);
}

void
retort_script_completion_set_runner (RetortScriptCompletion *self,
                                     RetortPythonRunner     *runner)
{
  g_return_if_fail (RETORT_IS_SCRIPT_COMPLETION (self));

  g_set_object (&self->runner, runner);
}
