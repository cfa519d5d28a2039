"""Python work in this process, a subprocess, and multiprocessing workers started by
spawn and by fork: a recording of the tree must name Python functions in all of them.
Usage: python tramp_children.py [seconds per process]"""
import multiprocessing
import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
seconds = sys.argv[1] if len(sys.argv) > 1 else "0.6"


def work(_):
    import runpy
    sys.argv = ["calls.py", seconds]
    runpy.run_path(os.path.join(here, "calls.py"), run_name="__main__")
    return os.getpid()


if __name__ == "__main__":
    subprocess.run([sys.executable, os.path.join(here, "calls.py"), seconds], check=True)
    for method in ("spawn", "fork"):
        with multiprocessing.get_context(method).Pool(1) as pool:
            pool.map(work, [0])
    work(0)
