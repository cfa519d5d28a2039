"""Loads pyperfmap's trampoline extension built for this exact interpreter.

The extension reads a few of CPython's internal structures, so it is built against
each interpreter's own headers and kept under _builds/<major.minor.micro>/. Importing
this module replaces it with that extension: activate(), deactivate(), is_active().
"""
import importlib.machinery
import importlib.util
import os
import sys

_here = os.path.dirname(os.path.abspath(__file__))
_version = "%d.%d.%d" % sys.version_info[:3]
_dir = os.path.join(_here, "_builds", _version)
_found = None
for _suffix in importlib.machinery.EXTENSION_SUFFIXES:
    _candidate = os.path.join(_dir, "pyperfmap" + _suffix)
    if os.path.exists(_candidate):
        _found = _candidate
        break
if _found is None:
    _built = sorted(os.listdir(os.path.join(_here, "_builds"))) if os.path.isdir(
        os.path.join(_here, "_builds")) else []
    raise ImportError("no trampoline built for Python %s (built for: %s)"
                      % (_version, ", ".join(_built) or "none"), name="pyperfmap")
try:
    _loader = importlib.machinery.ExtensionFileLoader("pyperfmap", _found)
    _spec = importlib.util.spec_from_file_location("pyperfmap", _found, loader=_loader)
    _module = importlib.util.module_from_spec(_spec)
    _loader.exec_module(_module)
except ImportError as _exc:
    raise ImportError("cannot load the trampoline built for Python %s (%s)" % (_version, _exc),
                      name="pyperfmap", path=_found) from _exc
sys.modules["pyperfmap"] = _module
