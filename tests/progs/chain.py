"""CPU work in foo, called as <module> -> baz -> bar -> foo. Usage: chain.py [cpu-seconds]"""
import sys
import time


def foo(n):
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


def bar(n):
    return foo(n)


def baz(n):
    return bar(n)


# CPU seconds, so a busy machine gives as many samples as an idle one.
end = time.process_time() + (float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)
while time.process_time() < end:
    baz(20000)
