"""A service to attach to: works in foo (called as baz -> bar -> foo) for SECONDS of CPU
time, prints "ready" first and its result last, then whether a trampoline is still on:
"trampoline: absent" (pyperfmap's module never loaded), "on" or "off". The result is
the same whatever watched it.

Usage: attach_target.py [SECONDS]
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


seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
print("ready", flush=True)
result = 0
end = time.process_time() + seconds
rounds = 0
while time.process_time() < end or rounds < 10:
    result = (result + baz(5000)) % 1000003
    rounds += 1
module = sys.modules.get("pyperfmap")
print("result", foo(100000))
print("trampoline:", "absent" if module is None else "on" if module.is_active() else "off")
