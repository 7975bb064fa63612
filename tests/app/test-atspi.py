#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End to end, as a screen reader user: the real `retort` on the Pima sample,
driven over AT-SPI with dogtail. Finds a module by its accessible name and
one of its ports, presses Run by name, waits until the module's accessible
description reads Finished, and closes the window, which quits the app.

Run with Debian's /usr/bin/python3 (python3-dogtail, python3-pyatspi,
gir1.2-atspi-2.0, at-spi2-core) under
`xvfb-run -a -s "-screen 0 1280x800x24" dbus-run-session -- ...`.

AT-SPI under Xvfb: nothing has to be started by hand. dbus-run-session gives
a session bus whose service files include at-spi2-core's org.a11y.Bus; the
first client that asks for the accessibility bus (GTK, or pyatspi here) makes
D-Bus start at-spi-bus-launcher, which starts the accessibility bus and the
registry. What does matter: GTK 4 ignores NO_AT_BRIDGE and honours GTK_A11Y,
which the shared test environment sets to "none", so the app is started with
GTK_A11Y unset; and dogtail must not check the GNOME a11y setting
(config.checkForA11y), which is not there under a bare session.

Exits 77 (skipped) only when the accessibility bus cannot be reached.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time

SKIP = 77
MODULE = "Rank Features, Execute Python Script"
PORT = "Input Dataset1 (Dataset)"
# Importing scikit-learn in a cold runner takes seconds on this machine.
RUN_TIMEOUT = 120


def log(message):
    print(message, file=sys.stderr, flush=True)


def accessibility_bus_address():
    """The accessibility bus's address, or None with the reason printed."""
    import gi

    gi.require_version("Gio", "2.0")
    from gi.repository import Gio, GLib

    try:
        bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
        reply = bus.call_sync("org.a11y.Bus", "/org/a11y/bus", "org.a11y.Bus", "GetAddress",
                              None, GLib.VariantType("(s)"), Gio.DBusCallFlags.NONE, 10000, None)
    except GLib.Error as error:
        log(f"SKIP: no accessibility bus: {error.message}")
        return None
    return reply.unpack()[0]


def wait_for(what, condition, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def find_application(tree, process):
    def find():
        if process.poll() is not None:
            raise AssertionError(f"retort exited with status {process.returncode}")
        for application in tree.root.applications():
            if application.name == "retort" and application.get_process_id() == process.pid:
                return application
        return None

    return wait_for("retort on the accessibility bus", find, 30)


def main():
    if accessibility_bus_address() is None:
        return SKIP

    from dogtail.config import config

    config.checkForA11y = False
    config.logDebugToFile = False
    config.logDebugToStdOut = False
    from dogtail import predicate, tree

    # dogtail sends uncaught exceptions to its debug log, off here: a failed
    # assertion must reach the test log.
    sys.excepthook = sys.__excepthook__

    exe = os.environ["RETORT_EXE"]
    sample = os.path.join(os.environ["RETORT_SHARED_DATASETS"], "pima-feature-importance.retort")
    tmp = tempfile.mkdtemp(prefix="retort-test-atspi-")
    env = dict(os.environ)
    env.pop("GTK_A11Y", None)
    # A cache of our own: the run computes, and finishes as "Finished".
    env["XDG_CACHE_HOME"] = os.path.join(tmp, "cache")
    env.setdefault("GSETTINGS_BACKEND", "memory")

    process = subprocess.Popen([exe, sample], env=env)
    try:
        app = find_application(tree, process)
        log(f"found {app.name} (pid {process.pid})")

        module = app.findChild(predicate.GenericPredicate(name=MODULE, roleName="panel"))
        log(f"module: {module.name!r}, {module.description!r}")
        assert module.description == "Not run", module.description
        port = module.findChild(predicate.GenericPredicate(name=PORT), retry=False)
        assert port is not None

        run = app.findChild(predicate.GenericPredicate(name="Run", roleName="push button"))
        assert run.sensitive
        run.doActionNamed("click")

        def finished():
            description = module.description
            if description.startswith("Failed"):
                raise AssertionError(f"{MODULE}: {description}")
            return description.startswith("Finished")

        wait_for(f"{MODULE} to finish", finished, RUN_TIMEOUT)
        log(f"module: {module.name!r}, {module.description!r}")
        assert module.description == "Finished", module.description
        source = app.findChild(predicate.GenericPredicate(name="Pima Indians Diabetes, Dataset",
                                                          roleName="panel"))
        assert source.description == "Finished", source.description
        wait_for("Run to be enabled again", lambda: run.sensitive, 10)

        # Closing the last window quits the application.
        frame = app.findChild(predicate.GenericPredicate(roleName="frame"), recursive=False)
        frame.doActionNamed("window.close")
        status = process.wait(timeout=10)
        assert status == 0, f"retort exited with status {status}"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        shutil.rmtree(tmp, ignore_errors=True)

    log("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
