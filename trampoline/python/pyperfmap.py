"""Loads pyperfmap's trampoline extension built for this exact interpreter.

The extension reads a few of CPython's internal structures, so it is built against
each interpreter's own headers and kept under _builds/<major.minor.micro>/ (in
pyperfmap's python folder) or pyperfmap_builds/<major.minor.micro>/ (in a site-packages
that `pyperfmap install-python` filled). Importing this module replaces it with that
extension: activate(), deactivate(), is_active().
"""
import os
import sys

# The import system's own frozen modules, always loaded: importlib.machinery and
# importlib.util would import importlib, warnings, contextlib and collections,
# milliseconds at start-up for a process that PYPERFMAP=1 switches on.
_machinery = sys.modules.get("_frozen_importlib_external")
_bootstrap = sys.modules.get("_frozen_importlib")
if _machinery is None or _bootstrap is None:
    import importlib.machinery as _machinery
    _bootstrap = _machinery

_here = os.path.dirname(os.path.abspath(__file__))
_version = "%d.%d.%d" % sys.version_info[:3]
_found = None
_built = []
for _folder in ("_builds", "pyperfmap_builds"):
    _root = os.path.join(_here, _folder)
    if not os.path.isdir(_root):
        continue
    _built += sorted(os.listdir(_root))
    for _suffix in _machinery.EXTENSION_SUFFIXES:
        _candidate = os.path.join(_root, _version, "pyperfmap" + _suffix)
        if _found is None and os.path.exists(_candidate):
            _found = _candidate
if _found is None:
    raise ImportError("no trampoline built for Python %s (built for: %s)"
                      % (_version, ", ".join(_built) or "none"), name="pyperfmap")
try:
    _loader = _machinery.ExtensionFileLoader("pyperfmap", _found)
    _spec = _bootstrap.ModuleSpec("pyperfmap", _loader, origin=_found)
    _spec.has_location = True
    _module = _loader.create_module(_spec)
    _module.__spec__, _module.__loader__, _module.__file__ = _spec, _loader, _found
    _loader.exec_module(_module)
except ImportError as _exc:
    raise ImportError("cannot load the trampoline built for Python %s (%s)" % (_version, _exc),
                      name="pyperfmap", path=_found) from _exc
sys.modules["pyperfmap"] = _module
