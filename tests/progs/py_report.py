"""Programs for the Python-report tests. Usage: py_report.py MODE

howto     baz() calls bar() calls foo(), which loops: all the time is foo's own
workers   two worker processes (separate interpreters, separate perf maps) run
          cpu_view() for 1 s of CPU each
native    in_python() loops in Python, in_zlib() spends its time in zlib's C code
"""
import subprocess
import sys
import time
import zlib


def foo(n):
    total = 0
    for i in range(n):
        total += i % 7
    return total


def bar(n):
    return foo(n)


def baz(n):
    return bar(n)


def cpu_view(seconds):
    end = time.process_time() + seconds
    n = 0
    while time.process_time() < end:
        n += sum(i * i for i in range(500))
    return n


def in_python(seconds):
    end = time.process_time() + seconds
    n = 0
    while time.process_time() < end:
        for i in range(2000):
            n += i
    return n


def in_zlib(seconds):
    data = bytes(range(256)) * 4096
    end = time.process_time() + seconds
    while time.process_time() < end:
        zlib.compress(data, 9)


def main(mode):
    if mode == "howto":
        end = time.process_time() + 1.0   # CPU time: as many samples on any machine
        while time.process_time() < end:
            baz(200000)
    elif mode == "workers":
        procs = [subprocess.Popen([sys.executable, __file__, "worker"]) for _ in range(2)]
        sys.exit(max(p.wait() for p in procs))
    elif mode == "worker":
        cpu_view(1.0)
    elif mode == "native":
        in_python(0.6)
        in_zlib(0.6)
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main(sys.argv[1])
