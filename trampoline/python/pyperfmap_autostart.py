"""PYPERFMAP=1 switches pyperfmap's trampoline on at startup, like PYTHONPERFSUPPORT=1:
as there, a positive integer means on; anything else (unset, 0, a word) means off.

Imported by sitecustomize.py (when this folder is on PYTHONPATH, as `pyperfmap exec`
and `pyperfmap record` arrange) or by pyperfmap.pth (when installed in site-packages).
It never raises: a profiler must not stop the program it measures.
"""
import os
import sys

# What every warning ends with: what the user gets when the trampoline is not on.
NOT_NAMED = "Python functions will not be named (the program runs normally)"


def _wanted():
    value = os.environ.get("PYPERFMAP", "").strip()
    return value.isdigit() and int(value) > 0


def _start():
    if not _wanted():
        return
    try:
        import pyperfmap
    except Exception as exc:  # no build for this interpreter, or a broken one
        sys.stderr.write("pyperfmap: %s: %s\n" % (exc, NOT_NAMED))
        return
    try:
        pyperfmap.activate()
    except Exception as exc:
        sys.stderr.write("pyperfmap: cannot activate the trampoline (%s): %s\n"
                         % (exc, NOT_NAMED))


_start()
