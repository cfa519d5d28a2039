"""CPU work in foo, called as <module> -> baz -> bar -> foo; used by the e2e tests.

Usage: python hot.py [seconds]
"""
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


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    end = time.monotonic() + seconds
    total = 0
    while time.monotonic() < end:
        total += baz(20000)
    print("done", total % 10)


main()
