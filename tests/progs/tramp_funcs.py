"""foo, bar, baz called from Python, and one function only a thread runs; prints the pid."""
import os
import threading


def foo(n):
    return n + 1


def bar(n):
    return foo(n) * 2


def baz(n):
    return bar(n) - 1


def in_thread_only():
    return baz(3)


t = threading.Thread(target=in_thread_only)
t.start()
t.join()
baz(1)
print(os.getpid())
