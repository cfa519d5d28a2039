"""PYPERFMAP=1 switches pyperfmap's trampoline on at startup, like PYTHONPERFSUPPORT=1:
as there, a positive integer means on; anything else (unset, 0, a word) means off.

Imported by sitecustomize.py (when this folder is on PYTHONPATH, as `pyperfmap exec`
and `pyperfmap record` arrange) or by pyperfmap.pth (when installed in site-packages).
It never raises: a profiler must not stop the program it measures.
"""
import os
import sys


def _wanted():
    value = os.environ.get("PYPERFMAP", "").strip()
    return value.isdigit() and int(value) > 0


def _start():
    if not _wanted():
        return
    try:
        import pyperfmap
    except Exception as exc:  # no build for this interpreter, or a broken one
        sys.stderr.write("pyperfmap: %s; the program runs on unprofiled\n" % (exc,))
        return
    try:
        pyperfmap.activate()
    except Exception as exc:
        sys.stderr.write("pyperfmap: cannot activate the trampoline (%s); the program "
                         "runs on unprofiled\n" % (exc,))


_start()
