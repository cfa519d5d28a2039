"""pyperfmap's sitecustomize: starts the trampoline when PYPERFMAP=1, then runs the
sitecustomize this one shadows (a distribution's or a virtualenv's), if any."""
import os
import sys


def _chain():
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        import pyperfmap_autostart  # noqa: F401  (does its work on import)
    except Exception:
        pass
    # Find the next sitecustomize on sys.path after this folder, and run it.
    try:
        # the import system's frozen modules, already loaded (importlib.util would
        # import contextlib and collections: milliseconds at every start-up)
        machinery = sys.modules.get("_frozen_importlib_external")
        bootstrap = sys.modules.get("_frozen_importlib")
        if machinery is None or bootstrap is None:
            import importlib.machinery as machinery
            import importlib.util as bootstrap
        rest = [p for p in sys.path if os.path.abspath(p or ".") != here]
        spec = machinery.PathFinder.find_spec("sitecustomize", rest)
        if spec is not None and spec.loader is not None:
            module = bootstrap.module_from_spec(spec)
            sys.modules["sitecustomize"] = module
            spec.loader.exec_module(module)
    except Exception as exc:
        sys.stderr.write("pyperfmap: the shadowed sitecustomize failed: %r\n" % (exc,))


_chain()
