"""A pre-fork server in miniature: the master warms its functions up, forks WORKERS
workers that do CPU work in them for SECONDS of CPU time each, and waits for them,
sleeping. Prints "master PID" and "worker PID" lines (flushed) as it goes.

Usage: prefork.py [WORKERS] [SECONDS] [GO_FILE]
  with GO_FILE, the workers start their work only once that file exists.
"""
import os
import sys
import time


def leaf(n):
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


def handle(n):
    return leaf(n)


def serve(seconds, go):
    while go and not os.path.exists(go):
        time.sleep(0.01)
    end = time.process_time() + seconds
    while time.process_time() < end:
        handle(20000)


def main():
    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 2.0
    go = sys.argv[3] if len(sys.argv) > 3 else None
    handle(10)  # the master runs them first: their stubs are made here, before fork
    print("master", os.getpid(), flush=True)
    pids = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:
            serve(seconds, go)
            os._exit(0)
        pids.append(pid)
        print("worker", pid, flush=True)
    for pid in pids:
        os.waitpid(pid, 0)


main()
