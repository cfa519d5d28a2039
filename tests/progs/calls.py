"""Python calls dominate: foo is called millions of times from bar, so a sampler
catches the interpreter inside foo's perf trampoline itself now and then.

Usage: python calls.py [seconds]   (PPM_TEST_GARBAGE=1 appends garbage lines to the
process's own perf map at exit, so readers must skip and count them)
"""
import os
import sys
import time


def foo(x):
    return x + 1


def bar(n):
    s = 0
    for _ in range(n):
        s = foo(s)
    return s


def baz(n):
    return bar(n)


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    # CPU seconds, not wall seconds: the sample count is then the same on a slow or
    # busy machine as on a fast idle one.
    end = time.process_time() + seconds
    while time.process_time() < end:
        baz(100000)
    print("done")
    if os.environ.get("PPM_TEST_GARBAGE"):
        path = "/tmp/perf-%d.map" % os.getpid()
        if os.path.exists(path):
            with open(path, "a") as f:
                f.write("this is not a perf map line\nzzzz 10 bad_hex\n")


main()
