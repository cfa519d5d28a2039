"""PYPERFMAP=1 switches pyperfmap's trampoline on at startup, like PYTHONPERFSUPPORT=1.

Imported by sitecustomize.py (when this folder is on PYTHONPATH, as `pyperfmap exec`
and `pyperfmap record` arrange) or by pyperfmap.pth (when installed in site-packages).
It never raises: a profiler must not stop the program it measures.
"""
import os
import sys


def _start():
    if os.environ.get("PYPERFMAP", "") in ("", "0"):
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
