# SPDX-License-Identifier: GPL-3.0-or-later
"""Language services for the script editor (doc/runner-protocol.md).

The runner's server process answers `check` and `complete` requests with
this module, between runs and while one is going on, so every answer has to
be quick and nothing here may run the user's code: sources are compiled or
parsed, never executed, and the only modules looked at are the ones the
server has already imported (numpy, pandas, matplotlib and what they pull
in). The GUI never loads Python; this is where its editor gets its errors
and completions.

Completion uses Debian's jedi (static analysis) when it imports and answers
within a time budget; otherwise a plain fallback offers keywords, builtins,
the names the source binds and the attributes of imported modules.
"""

import ast
import atexit
import builtins
import inspect
import json
import keyword
import os
import re
import select
import shutil
import signal
import sys
import tempfile
import time
import types
import warnings

NO_ENTRY_POINT = "The script does not define azureml_main(dataframe1, dataframe2)"

# The editor shows a popup, not a catalogue.
MAX_ITEMS = 200
MAX_DETAIL_CHARS = 160
# An answer must come in time for the next keystroke, and the server does
# nothing else meanwhile (a run's console and its cancel wait): jedi gets
# this long before the fallback answers instead.
JEDI_BUDGET_S = 0.4
# Signatures are the slow part of a jedi answer (inferring a ufunc's type
# can take half a second the first time): only this long is spent on them.
SIGNATURE_BUDGET_S = 0.05
# compile() takes about a second per 400 KiB of dense code, and the server
# does nothing else meanwhile: longer sources are not checked as they are
# typed, and completion in them looks only at their imports (no jedi).
MAX_SOURCE_CHARS = 256 * 1024
TOO_LONG = "The script is too long (%d KiB) to be checked as you type"
# What kind each item is may take jedi an inference of its own (seconds for
# the first `plt.`, 190 ms for a warm DataFrame's attributes): past this,
# the remaining items are "statement"s. A completion list is late past
# about 50 ms.
KIND_BUDGET_S = 0.05
# Warming up runs when the server is idle; it may take seconds (pandas'
# DataFrame the first time) but not forever.
WARM_UP_BUDGET_S = 10.0

_IDENTIFIER_TAIL = re.compile(r"([A-Za-z_][A-Za-z0-9_]*(?:\s*\.\s*[A-Za-z_][A-Za-z0-9_]*)*)?"
                              r"(\s*\.\s*)?([A-Za-z_][A-Za-z0-9_]*)?$")

_IMPORT_LINE = re.compile(r"^(?:import|from)[ \t][^\n;]*$", re.MULTILINE)

_jedi = None          # the module, once imported and configured
_jedi_failed = False  # no jedi: it is missing, turned off or broken
_warm_up_steps = [
    # The first answer about a library parses its stubs and sources; done
    # once while idle, the editor's first `np.` or `df.` is then quick.
    ("import numpy as np\nnp.", 2, 3),
    ("import pandas as pd\ndf = pd.DataFrame()\ndf.", 3, 3),
    ("import pandas as pd\npd.", 2, 3),
    ("import matplotlib.pyplot as plt\nplt.", 2, 4),
]


class _OutOfTime(Exception):
    pass


class _Interrupted(Exception):
    pass


class _ProtocolError(Exception):
    pass


# Requests -------------------------------------------------------------------

def answer(request_json):
    """The event answering a `check` or `complete` request (with its id)."""
    request = json.loads(request_json)
    request_id = request.get("id")
    try:
        if request.get("type") == "check":
            event = _check(request)
        else:
            event = _complete(request)
    except _ProtocolError as exc:
        event = {"type": "error", "kind": "protocol", "text": str(exc)}
    except BaseException as exc:  # a bug here must not take the server down
        event = {"type": "error", "kind": "internal",
                 "text": "the language service failed: %s: %s" % (type(exc).__name__, exc)}
    event["id"] = request_id
    return json.dumps(event)


def _string(request, name, default=None):
    value = request.get(name, default)
    if not isinstance(value, str):
        raise _ProtocolError("a %s request needs \"%s\", a string" % (request.get("type"), name))
    return value


def _integer(request, name):
    value = request.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise _ProtocolError("a %s request needs \"%s\", an integer" % (request.get("type"), name))
    return value


# check ----------------------------------------------------------------------

def _check(request):
    source = _string(request, "source")
    filename = _string(request, "filename", "script.py")
    errors = []

    if len(source) > MAX_SOURCE_CHARS:
        issue = _issue(1, 1, 1, 1, TOO_LONG % (len(source) // 1024))
        issue["severity"] = "warning"
        return {"type": "checked", "errors": [issue]}

    # compile() rather than ast.parse(): some errors ("return" outside a
    # function, a nonlocal without a binding) only show in the compiler.
    # SyntaxWarnings ("is" with a literal, invalid escapes) come as warnings.
    tree = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            tree = compile(source, filename, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
            compile(tree, filename, "exec", dont_inherit=True)
        except SyntaxError as exc:  # IndentationError and TabError too
            errors.append(_syntax_issue(exc, source))
            tree = None
        except (ValueError, RecursionError, MemoryError) as exc:
            # A NUL character, or nesting deeper than the compiler takes.
            errors.append(_issue(1, 1, 1, 1, _one_line(str(exc) or type(exc).__name__)))
            tree = None
    for warning in caught:
        line = warning.lineno or 1
        issue = _issue(line, 1, line, _line_length(source, line) + 1,
                       _one_line(str(warning.message)))
        issue["severity"] = "warning"
        errors.append(issue)

    if tree is not None and not _defines(tree, "azureml_main"):
        issue = _issue(1, 1, 1, 1, NO_ENTRY_POINT)
        issue["severity"] = "warning"
        errors.append(issue)

    return {"type": "checked", "errors": errors}


def _issue(line, column, end_line, end_column, message):
    return {"line": line, "column": column, "end_line": end_line, "end_column": end_column,
            "message": message, "severity": "error"}


def _syntax_issue(exc, source):
    line = exc.lineno if isinstance(exc.lineno, int) and exc.lineno > 0 else 1
    column = exc.offset if isinstance(exc.offset, int) and exc.offset > 0 else 1
    end_line = getattr(exc, "end_lineno", None)
    end_column = getattr(exc, "end_offset", None)
    # Python gives no end, or one before the start, for some errors (an
    # unexpected EOF, a bad indent): the issue then covers one character.
    if (not isinstance(end_line, int) or not isinstance(end_column, int) or end_line < line
            or (end_line == line and end_column <= column)):
        end_line, end_column = line, column + 1
    return _issue(line, column, end_line, end_column, _one_line(exc.msg or "invalid syntax"))


def _defines(tree, name):
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            return True
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if any((alias.asname or alias.name) == name for alias in node.names):
                return True
        if isinstance(node, ast.Assign):
            if any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
                return True
        if isinstance(node, (ast.If, ast.Try)):
            # `try: ... except: def azureml_main` and the like.
            for child in ast.walk(node):
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) and child.name == name:
                    return True
    return False


def _line_length(source, line):
    lines = source.split("\n", line)
    return len(lines[line - 1]) if 0 < line <= len(lines) else 0


def _one_line(text):
    text = " ".join(str(text).split())
    if len(text) > MAX_DETAIL_CHARS:
        text = text[:MAX_DETAIL_CHARS - 1] + "…"
    return text


# complete -------------------------------------------------------------------

def _complete(request):
    source = _string(request, "source")
    line = _integer(request, "line")
    column = _integer(request, "column")
    filename = _string(request, "filename", "script.py")
    extra = request.get("extra_names", [])
    if not isinstance(extra, list) or not all(isinstance(name, str) for name in extra):
        raise _ProtocolError("\"extra_names\" must be a list of strings")

    # Lines and columns are 1-based; the cursor is before the character at
    # `column`. Positions past the end are the end: the editor's view of the
    # text may be a keystroke ahead of what it sent.
    lines = source.split("\n")
    line = min(max(line, 1), len(lines))
    text = lines[line - 1]
    if text.endswith("\r"):
        text = text[:-1]
    column = min(max(column, 1), len(text) + 1)
    before = text[:column - 1]

    items = None
    engine = "fallback"
    if len(source) > MAX_SOURCE_CHARS:
        # Only the imports: enough for `np.` and cheap to parse.
        source = "\n".join(_IMPORT_LINE.findall(source))
    elif _frame_attribute(source, before):
        # jedi takes azureml_main's inputs for None, their default; the
        # fallback knows they are DataFrames.
        pass
    elif _use_jedi():
        try:
            items = _with_budget(JEDI_BUDGET_S, _jedi_items, _typed_inputs(source, line),
                                 line, column, filename)
            engine = "jedi"
        except _OutOfTime:
            items = None
        except Exception as exc:  # jedi has its bugs; the fallback still answers
            print("retort-runner: jedi failed: %s: %s" % (type(exc).__name__, exc),
                  file=sys.stderr)
            items = None
    if not items:
        # Also when jedi found nothing: it takes azureml_main's inputs for
        # None (their default), where the fallback knows they are DataFrames.
        fallback = _fallback_items(source, before, line)
        if items is None or fallback:
            items = fallback
            engine = "fallback"
    return {"type": "completions", "engine": engine, "items": items[:MAX_ITEMS]}


def _with_budget(seconds, function, *args):
    """Calls @function, interrupting it after @seconds (pure Python code
    such as jedi checks for signals between bytecodes)."""
    def expired(signum, frame):
        raise _OutOfTime()

    try:
        previous = signal.signal(signal.SIGALRM, expired)
    except ValueError:  # not the main thread: no budget
        return function(*args)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return function(*args)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _use_jedi():
    global _jedi, _jedi_failed
    if _jedi is not None:
        return True
    if _jedi_failed:
        return False
    if os.environ.get("RETORT_RUNNER_NO_JEDI", "") not in ("", "0"):
        _jedi_failed = True
        return False
    try:
        _jedi = _configure_jedi()
    except Exception as exc:
        print("retort-runner: completion without jedi: %s: %s" % (type(exc).__name__, exc),
              file=sys.stderr)
        _jedi_failed = True
        return False
    return True


def _configure_jedi():
    import jedi
    import jedi.settings
    import parso.cache
    from jedi.inference.compiled import access

    # No disk cache: the sandbox's /usr is read-only and its session
    # directory is for runs; parsing the libraries again per session costs
    # a warm-up, not an answer. Nothing is read from a user's ~/.cache/jedi
    # either: jedi and parso get an empty private folder (they create and
    # lock it, and fail where that cannot be done), removed at exit.
    cache_directory = tempfile.mkdtemp(prefix="retort-jedi-")
    atexit.register(shutil.rmtree, cache_directory, True)
    jedi.settings.cache_directory = cache_directory
    if hasattr(parso.cache, "_save_to_file_system"):
        parso.cache._save_to_file_system = lambda *args, **kwargs: None
    # jedi imports compiled modules (and those of auto_import_modules) to
    # look into them. In this process only what is already imported may be
    # looked at: importing is running code.
    jedi.settings.auto_import_modules = []
    original_load_module = access.load_module

    def load_imported_module(inference_state, dotted_name, sys_path):
        if dotted_name not in sys.modules:
            return None
        return original_load_module(inference_state, dotted_name, sys_path)

    access.load_module = load_imported_module

    global _jedi_environment, _jedi_project
    # In this process, not jedi's usual subprocess of another interpreter.
    _jedi_environment = jedi.InterpreterEnvironment()
    # Searches sys.path only: no walking up from the working directory to
    # find a project.
    _jedi_project = jedi.Project(os.path.join(os.sep, "nonexistent", "retort-project"),
                                 smart_sys_path=False, load_unsafe_extensions=False)
    return jedi


def _jedi_items(source, line, column, filename):
    script = _jedi.Script(source, path=filename, environment=_jedi_environment,
                          project=_jedi_project)
    completions = script.complete(line, column - 1)
    items = []
    started = time.monotonic()
    deadline = started + SIGNATURE_BUDGET_S
    kind_deadline = started + KIND_BUDGET_S
    for completion in completions[:MAX_ITEMS]:
        kind = completion.type if time.monotonic() < kind_deadline else "statement"
        detail = None
        if kind in ("function", "class") and time.monotonic() < deadline:
            try:
                signatures = completion.get_signatures()
                if signatures:
                    detail = signatures[0].to_string()
            except Exception:
                detail = None
        if detail is None:
            detail = completion.description
        items.append({"text": completion.name, "kind": kind, "detail": _one_line(detail or "")})
    return items


def warm_up(request_fd=-1):
    """One step of preparing jedi while the server is idle. Returns True
    while there are more. A request arriving on @request_fd interrupts the
    step (it is tried again later; what jedi parsed meanwhile stays
    cached), so warming up never makes a request wait."""
    if not _warm_up_steps or not _use_jedi():
        return False
    source, line, column = _warm_up_steps[0]
    started = time.monotonic()

    def look_for_requests(signum, frame):
        if time.monotonic() - started > WARM_UP_BUDGET_S:
            raise _OutOfTime()
        if request_fd >= 0 and select.select([request_fd], [], [], 0)[0]:
            raise _Interrupted()

    previous = signal.signal(signal.SIGALRM, look_for_requests)
    signal.setitimer(signal.ITIMER_REAL, 0.01, 0.01)
    try:
        _jedi_items(source, line, column + 1, "warm-up.py")
        _warm_up_steps.pop(0)
    except _Interrupted:
        pass
    except BaseException as exc:  # out of time, or broken: not again
        print("retort-runner: warming jedi up failed: %s: %s" % (type(exc).__name__, exc), file=sys.stderr)
        _warm_up_steps.pop(0)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    if os.environ.get("RETORT_RUNNER_DEBUG_LANGUAGE"):
        print("retort-runner: warm-up step took %.0f ms" % ((time.monotonic() - started) * 1000),
              file=sys.stderr)
    return bool(_warm_up_steps)


# The fallback ---------------------------------------------------------------

def _fallback_items(source, before, line):
    column = _input_column(source, before)
    if column is not None:
        # `dataframe1["Age"].`: a column of an input, a pandas Series.
        return _rank(_members(sys.modules["pandas"].Series), column.group(2))
    match = _IDENTIFIER_TAIL.search(before)
    base = match.group(1) if match else None
    dot = match.group(2) if match else None
    prefix = (match.group(3) if match else None) or ""
    if base is not None and dot is None:
        # "np.ar" matched whole as the base: the last name is the prefix.
        parts = [part.strip() for part in base.split(".")]
        if len(parts) > 1:
            base, prefix = ".".join(parts[:-1]), parts[-1]
        else:
            base, prefix = None, parts[0]
    elif base is not None:
        base = ".".join(part.strip() for part in base.split("."))

    if dot is not None and base is None:
        return []  # after `"text".` or `f().`: nothing the fallback knows
    if base is not None:
        candidates = _attributes(source, base, line)
    else:
        candidates = _names(source, line)
    return _rank(candidates, prefix)


def _rank(candidates, prefix):
    folded = prefix.lower()
    chosen = []
    for name, (kind, detail) in candidates.items():
        if not name.lower().startswith(folded):
            continue
        if name.startswith("_") and not prefix.startswith("_"):
            continue
        chosen.append((not name.startswith(prefix), name.startswith("__"), name.lower(), name,
                       kind, detail))
    chosen.sort()
    items = []
    deadline = time.monotonic() + SIGNATURE_BUDGET_S
    for _, _, _, name, kind, detail in chosen[:MAX_ITEMS]:
        if callable(detail):
            detail = detail() if time.monotonic() < deadline else kind
        items.append({"text": name, "kind": kind, "detail": _one_line(detail)})
    return items


def _parse(source, line=None):
    """The source's tree. A source being typed rarely parses: then the
    tree without the cursor's line, or of the lines before the first
    error (at most three parses: sources may be long)."""
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        pass
    lines = source.split("\n")
    if line is not None and 0 < line <= len(lines):
        text = lines[line - 1]
        indent = text[:len(text) - len(text.lstrip())]
        lines[line - 1] = indent + "pass"
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError as exc:
        if isinstance(exc.lineno, int) and exc.lineno > 1:
            try:
                return ast.parse("\n".join(lines[:exc.lineno - 1]))
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                pass
    except (ValueError, RecursionError, MemoryError):
        pass
    return ast.Module(body=[], type_ignores=[])


def _imports(tree):
    """name -> dotted module name, for every `import x as name` and
    `from x import name` (when name is a module) of the source."""
    modules = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    modules[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    modules[top] = top
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                modules[alias.asname or alias.name] = node.module + "." + alias.name
    return modules


def _names(source, line):
    candidates = {}
    for name in keyword.kwlist + keyword.softkwlist:
        candidates[name] = ("keyword", "keyword")
    for name, value in vars(builtins).items():
        candidates[name] = (_kind(value), _describer(name, value))
    tree = _parse(source, line)
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            candidates[node.name] = ("function", "def %s(%s)" % (node.name, _arguments(node)))
            for argument in node.args.posonlyargs + node.args.args + node.args.kwonlyargs:
                candidates.setdefault(argument.arg, ("param", "param " + argument.arg))
        elif isinstance(node, ast.ClassDef):
            candidates[node.name] = ("class", "class " + node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name == "*":
                    continue
                name = alias.asname or alias.name.split(".")[0]
                candidates[name] = ("module", "import " + alias.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            candidates.setdefault(node.id, ("statement", node.id))
    return candidates


def _arguments(node):
    try:
        return ast.unparse(node.args)
    except Exception:
        return "…"


_FRAME_PARAMETERS = ("dataframe1", "dataframe2")
# `name.` or `name.prefix` at the cursor.
_ATTRIBUTE_AT_END = re.compile(r"(?:^|[^\w.])([A-Za-z_]\w*)\.\w*$")
# `df = dataframe1` (a copy of the name, as scripts often start).
_FRAME_ALIAS = re.compile(r"^[ \t]*([A-Za-z_]\w*)[ \t]*=[ \t]*(dataframe[12])[ \t]*(?:#.*)?$",
                          re.MULTILINE)


# azureml_main's definition: its parameters are group 2.
_MAIN_DEFINITION = re.compile(r"^[ \t]*def[ \t]+azureml_main[ \t]*\(([^)]*)\)", re.MULTILINE)
# An input parameter with no annotation: `dataframe1`, `dataframe1=None`.
_UNTYPED_INPUT = re.compile(r"\b(dataframe[12])(?=[ \t]*(?:=|,|$))")


def _typed_inputs(source, line):
    """@source with azureml_main's inputs annotated as DataFrames, so jedi
    infers what scripts make of them (`df = dataframe1.copy()`, a groupby,
    a column) instead of None, their default. Lines stay where they are:
    the annotation's import goes at the end; a definition the cursor is in
    is left as it is."""
    match = _MAIN_DEFINITION.search(source)
    if match is None:
        return source
    first = source.count("\n", 0, match.start()) + 1
    last = first + match.group(0).count("\n")
    if first <= line <= last:
        return source
    parameters = _UNTYPED_INPUT.sub(r'\1: "_retort_pandas.DataFrame"', match.group(1))
    if parameters == match.group(1):
        return source
    return (source[:match.start(1)] + parameters + source[match.end(1):]
            + "\nimport pandas as _retort_pandas\n")


def _frame_aliases(source):
    """The names the source binds to azureml_main's inputs."""
    return {match.group(1) for match in _FRAME_ALIAS.finditer(source)}


def _frame_attribute(source, before):
    """Whether the cursor is after `dataframe1.` or `dataframe1["Age"].`
    (or after a name bound to dataframe1)."""
    if _input_column(source, before) is not None:
        return True
    match = _ATTRIBUTE_AT_END.search(before)
    if match is None:
        return False
    name = match.group(1)
    return name in _FRAME_PARAMETERS or name in _frame_aliases(source)


# `name["column"].prefix` at the cursor.
_COLUMN_ATTRIBUTE_AT_END = re.compile(
    r"(?:^|[^\w.])([A-Za-z_]\w*)\[[ \t]*(?:\"[^\"\\]*\"|'[^'\\]*')[ \t]*\]\.(\w*)$")


def _input_column(source, before):
    """The match when the cursor is after an input's column and a dot."""
    match = _COLUMN_ATTRIBUTE_AT_END.search(before)
    if match is None or "pandas" not in sys.modules:
        return None
    name = match.group(1)
    if name in _FRAME_PARAMETERS or name in _frame_aliases(source):
        return match
    return None


def _attributes(source, base, line):
    """The attributes of @base when it names an imported module (or
    something in one) that this process has imported already."""
    parts = base.split(".")
    modules = _imports(_parse(source, line))
    if ((parts[0] in _FRAME_PARAMETERS or parts[0] in _frame_aliases(source))
            and parts[0] not in modules and "pandas" in sys.modules):
        # azureml_main's inputs arrive as pandas DataFrames.
        value = sys.modules["pandas"].DataFrame
    elif parts[0] not in modules:
        return {}
    else:
        # `import a.b` binds `a`; `np.linalg` is numpy.linalg if imported.
        dotted = modules[parts[0]]
        value = sys.modules.get(dotted)
        if value is None:
            head, _, tail = dotted.rpartition(".")
            module = sys.modules.get(head) if head else None
            value = _static_attribute(module, tail) if module is not None else None
    for part in parts[1:]:
        if value is None:
            break
        value = _static_attribute(value, part)
    return _members(value)


def _members(value):
    """Completion candidates for @value's attributes, found statically."""
    if value is None:
        return {}
    candidates = {}
    try:
        names = object.__dir__(value) if not isinstance(value, types.ModuleType) else list(vars(value))
        if isinstance(value, type):
            names = dir(value)
    except Exception:
        return {}
    for name in names:
        member = _static_attribute(value, name)
        candidates[name] = (_kind(member), _describer(name, member))
    return candidates


def _static_attribute(value, name):
    """getattr() without running properties or a module's __getattr__."""
    try:
        found = inspect.getattr_static(value, name)
    except AttributeError:
        return None
    if isinstance(found, (staticmethod, classmethod)):
        found = found.__func__
    return found


def _kind(value):
    if isinstance(value, types.ModuleType):
        return "module"
    if isinstance(value, type):
        return "class"
    if isinstance(value, property):
        return "property"
    if callable(value):
        return "function"
    return "instance"


def _describer(name, value):
    """A function that describes @value, called only for the items sent
    (signatures are not free)."""
    def describe():
        if isinstance(value, types.ModuleType):
            return "module " + name
        if callable(value) and not isinstance(value, type):
            try:
                return name + str(inspect.signature(value))
            except (TypeError, ValueError):
                pass
        if isinstance(value, type):
            return "class " + name
        doc = getattr(value, "__doc__", None) if callable(value) else None
        if isinstance(doc, str) and doc.strip():
            return doc.strip().split("\n")[0]
        return type(value).__name__
    return describe
