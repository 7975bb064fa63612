# SPDX-License-Identifier: GPL-3.0-or-later
"""The Python side of retort-runner (doc/runner-protocol.md).

The runner imports this module once, calls prepare() before it serves, and in
each forked run child calls run() with the `run` request. run() answers with
the JSON of a `result` or `error` event (without "id": the server adds it).
The C side only manages processes; everything about the azureml_main
contract (DESIGN.md §3) is here.
"""

import builtins
import gc
import inspect
import io
import json
import linecache
import os
import sys
import time
import traceback
import types

ERROR_0085 = "Error 0085: Error during evaluation of script."
NO_ENTRY_POINT = "The script does not define azureml_main(dataframe1, dataframe2)"
RETURN_HINT = "return a pandas DataFrame or a sequence whose first element is one"

# Messages cross a pipe and then the protocol (16 MiB per message): a huge
# exception message must not make the event unsendable.
MAX_MESSAGE_CHARS = 65536


class _ContractError(Exception):
    pass


def prepare():
    """Imports everything a run may need, so that forked children start warm."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy
    import pandas
    import retort_convert  # noqa: F401 (imported for the children)

    # Agg never blocks, but a script must not wait on a window that does not
    # exist whatever the backend turns out to be.
    plt.show = _show

    # Images come back in creation order: remember when pyplot created each
    # figure. gcf() and subplots() go through the module's figure() too.
    original_figure = plt.figure

    def figure(*args, **kwargs):
        fig = original_figure(*args, **kwargs)
        if not hasattr(fig, "_retort_created_ns"):
            fig._retort_created_ns = time.time_ns()
        return fig

    figure.__doc__ = original_figure.__doc__
    figure.__wrapped__ = original_figure
    plt.figure = figure

    # Objects that survive the imports are never collected in a child, and
    # freezing them keeps the collector from touching (and so copying) the
    # pages they live on after fork().
    gc.collect()
    gc.freeze()

    return json.dumps({
        "python": "%d.%d.%d" % sys.version_info[:3],
        "numpy": numpy.__version__,
        "pandas": pandas.__version__,
        "matplotlib": matplotlib.__version__,
    })


def _show(*args, **kwargs):
    pass


def run(request_json):
    """Runs one request in this (forked, disposable) process."""
    try:
        event = _run(json.loads(request_json))
    except BaseException as exc:  # the harness itself failed: a runner bug
        event = _error("internal", "the runner failed: %s: %s" % (type(exc).__name__, exc))
    _flush_console()
    return json.dumps(event)


def _text(value):
    """Strings that survive JSON and the client's UTF-8 checks, bounded."""
    try:
        text = str(value)
    except Exception:  # an exception whose __str__ fails still gets reported
        text = "<%s object>" % type(value).__name__
    if len(text) > MAX_MESSAGE_CHARS:
        text = text[:MAX_MESSAGE_CHARS] + "…"
    return text.encode("utf-8", "replace").decode("utf-8")


def _error(kind, text, **fields):
    event = {"type": "error", "kind": kind, "text": _text(text)}
    event.update(fields)
    return event


def _setup_console():
    # fd 1 and 2 are pipes to the server. Line buffered, as on a terminal:
    # a line shows up when it is printed, not when a buffer fills or the run
    # ends, and print()'s pieces still leave as one write. A partial line
    # shows up on flush().
    def stream(fd):
        return io.TextIOWrapper(io.BufferedWriter(io.FileIO(fd, "w", closefd=False)),
                                encoding="utf-8", errors="backslashreplace",
                                line_buffering=True)

    sys.stdout = sys.__stdout__ = stream(1)
    sys.stderr = sys.__stderr__ = stream(2)
    sys.stdin = sys.__stdin__ = open(os.devnull, "r", encoding="utf-8")


def _reseed():
    # A fork copies the random state: without this every run would draw the
    # same "random" numbers. (Python's random module reseeds itself at fork.)
    import numpy
    numpy.random.seed()


def _flush_console():
    for s in (sys.stdout, sys.stderr):
        try:
            s.flush()
        except Exception:
            pass


def _list_pngs(workdir):
    found = []
    for root, _dirs, files in os.walk(workdir):
        for name in files:
            if name.lower().endswith(".png"):
                found.append(os.path.join(root, name))
    return found


def _run(request):
    import retort_convert

    script = request["script"]
    script_name = request.get("script_name") or os.path.basename(script)
    workdir = request["workdir"]
    bundle = request.get("bundle")
    inputs = request.get("inputs") or []
    input_fds = request.get("input_fds") or []
    fd_socket = request.get("fd_socket")
    result_path = request["result"]
    memory_mb = request.get("memory_mb") or 0

    _setup_console()
    _reseed()
    os.chdir(workdir)
    sys.path.insert(0, workdir)
    if bundle:
        sys.path.insert(0, bundle)
    sys.argv = [script_name]

    # PNGs already there (the bundle's) are inputs, not images of this run.
    existing = set(_list_pngs(workdir))

    with open(script, "rb") as f:
        source = f.read()

    # Tracebacks show the script's name and its lines, which live in no file
    # of that name: tell linecache about them.
    lines = source.decode("utf-8", "replace").splitlines(True)
    linecache.cache[script_name] = (len(source), None, lines, script_name)

    try:
        code = compile(source, script_name, "exec")
    except SyntaxError as exc:
        return _syntax_error(exc, script_name)
    except ValueError as exc:  # null bytes in the source
        return _error("syntax", "%s\n%s: %s" % (ERROR_0085, type(exc).__name__, exc),
                      error_type=type(exc).__name__, message=_text(exc))

    retort_convert.inputs = [spec for spec in inputs if spec]
    retort_convert.input_fds = input_fds
    frames = [retort_convert.frame_from_input(spec, input_fds) for spec in retort_convert.inputs]

    main = types.ModuleType("__main__")
    main.__file__ = script
    main.__builtins__ = builtins
    sys.modules["__main__"] = main

    try:
        exec(code, main.__dict__)
        entry = main.__dict__.get("azureml_main")
        if not callable(entry):
            return _error("contract", NO_ENTRY_POINT)
        value = entry(*_arguments(entry, frames))
    except BaseException as exc:
        return _script_error(exc, script_name, workdir, bundle, memory_mb)

    try:
        frame = _output_frame(value)
    except _ContractError as exc:
        return _error("contract", str(exc))

    _flush_console()
    fds = 0
    if frame is None:
        table, rows, columns = None, 0, 0
    else:
        try:
            if fd_socket is not None:
                # Descriptors instead of a file: no write, no file to delete.
                table = retort_convert.send_frame(frame, fd_socket)
                rows, columns, fds = table["rows"], len(table["columns"]), table.pop("fds")
            else:
                rows, columns = retort_convert.write_frame(frame, result_path)
                table = result_path
        except MemoryError as exc:
            return _script_error(exc, script_name, workdir, bundle, memory_mb)
        except Exception as exc:
            return _error("contract", "the returned DataFrame could not be converted: %s: %s"
                          % (type(exc).__name__, exc))

    images = _collect_images(workdir, os.path.dirname(result_path), existing)
    event = {"type": "result", "table": table, "rows": rows, "columns": columns,
             "images": images}
    if fds:
        event["fds"] = fds
    return event


def _arguments(entry, frames):
    """The positional mapping: the first connected input goes to the first
    parameter; pass no more than the function takes."""
    try:
        signature = inspect.signature(entry)
    except (TypeError, ValueError):
        return list(frames)

    positional = []
    for parameter in signature.parameters.values():
        if parameter.kind == parameter.VAR_POSITIONAL:
            return list(frames)
        if parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD):
            positional.append(parameter)

    args = list(frames[:len(positional)])
    # An unconnected parameter without a default gets None, as in Azure ML.
    for parameter in positional[len(args):]:
        if parameter.default is not parameter.empty:
            break
        args.append(None)
    return args


def _output_frame(value):
    import numpy
    import pandas

    if value is None:
        return None
    if isinstance(value, pandas.DataFrame):
        return value
    if isinstance(value, (tuple, list, numpy.ndarray)):
        if isinstance(value, numpy.ndarray):
            if value.size == 0:
                return None
            first = value.flat[0]
        else:
            if len(value) == 0:
                return None
            first = value[0]
        if isinstance(first, pandas.DataFrame):
            return first
        raise _ContractError("azureml_main returned a %s whose first element is %s; %s"
                             % (type(value).__name__, type(first).__name__, RETURN_HINT))
    raise _ContractError("azureml_main returned %s; %s" % (type(value).__name__, RETURN_HINT))


def _user_frames(tb, script_name, workdir, bundle):
    """The frames of the user's script and bundle modules, outermost first."""
    frames = []
    for summary in traceback.extract_tb(tb):
        filename = summary.filename
        if filename == script_name:
            shown = script_name
        elif bundle and filename.startswith(os.path.join(bundle, "")):
            shown = os.path.relpath(filename, workdir)
        else:
            continue
        frames.append((shown, summary))
    return frames


def _script_error(exc, script_name, workdir, bundle, memory_mb):
    error_type = type(exc).__name__
    message = _text(exc)

    if isinstance(exc, MemoryError) and memory_mb:
        return _error("memory", "memory limit exceeded (%d MB)" % memory_mb,
                      error_type=error_type, message=message)

    frames = _user_frames(exc.__traceback__, script_name, workdir, bundle)
    traceback_frames = [{"file": shown, "line": s.lineno, "function": s.name,
                         "code": _text(s.line or "")} for shown, s in frames]
    line = None
    for shown, summary in frames:
        if shown == script_name:
            line = summary.lineno

    # The console shows the traceback too, as Python would print it, without
    # the runner's and the libraries' frames.
    summaries = traceback.StackSummary.from_list([s for _shown, s in frames])
    printed = ["Traceback (most recent call last):\n"] + summaries.format()
    printed += traceback.format_exception_only(type(exc), exc)
    try:
        sys.stderr.write("".join(printed))
    except Exception:
        pass

    headline = "%s: %s" % (error_type, message) if message else error_type
    event = _error("script", "%s\n%s" % (ERROR_0085, headline), error_type=error_type,
                   message=message, traceback=traceback_frames)
    if line is not None:
        event["line"] = line
    return event


def _syntax_error(exc, script_name):
    error_type = type(exc).__name__
    message = _text(exc.msg)
    try:
        sys.stderr.write("".join(traceback.format_exception_only(type(exc), exc)))
    except Exception:
        pass
    event = _error("syntax", "%s\n%s: %s" % (ERROR_0085, error_type, message),
                   error_type=error_type, message=message,
                   traceback=[{"file": script_name, "line": exc.lineno, "function": "<module>",
                               "code": _text((exc.text or "").strip())}])
    if exc.lineno is not None:
        event["line"] = exc.lineno
    if exc.offset is not None:
        event["column"] = exc.offset
    return event


def _collect_images(workdir, figure_dir, existing):
    """PNGs the run wrote under the working directory (by modification time)
    and the figures still open (by the time pyplot created them), in one
    creation order."""
    import matplotlib.pyplot as plt

    found = []
    for path in _list_pngs(workdir):
        if path in existing:
            continue
        try:
            found.append((os.stat(path).st_mtime_ns, path))
        except OSError:
            pass

    for number in plt.get_fignums():
        fig = plt.figure(number)
        path = os.path.join(figure_dir, "figure-%d.png" % number)
        try:
            fig.savefig(path, format="png")
        except Exception as exc:
            sys.stderr.write("Figure %d could not be saved: %s\n" % (number, exc))
            continue
        found.append((getattr(fig, "_retort_created_ns", time.time_ns()), path))
    plt.close("all")

    found.sort()
    return [path for _stamp, path in found]
