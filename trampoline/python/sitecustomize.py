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
        import importlib.machinery
        import importlib.util
        rest = [p for p in sys.path if os.path.abspath(p or ".") != here]
        spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
        if spec is not None and spec.loader is not None:
            module = importlib.util.module_from_spec(spec)
            sys.modules["sitecustomize"] = module
            spec.loader.exec_module(module)
    except Exception as exc:
        sys.stderr.write("pyperfmap: the shadowed sitecustomize failed: %r\n" % (exc,))


_chain()
