"""A target for PEP 768 remote execution (tests/e2e/test_pyremote.sh). Prints "start",
touches DIR/ready, waits (checking the eval breaker every 10 ms) until DIR/marker
exists or 30 s pass, prints "end". Nothing else is printed: the test checks that a
remote script leaves the program's output as it was.

  pyremote_target.py loop DIR         the main thread waits
  pyremote_target.py threads N DIR    and N other Python threads run meanwhile
  pyremote_target.py blocked S DIR    the main thread sits in one sleep of S seconds
                                      (no eval-breaker check) before it waits
  pyremote_target.py atexit DIR       the waiting is done by an atexit handler,
                                      after __main__ has finished
"""
import atexit
import os
import sys
import threading
import time

mode = sys.argv[1]
where = sys.argv[-1]


def wait_for_marker():
    end = time.monotonic() + 30
    while not os.path.exists(os.path.join(where, "marker")) and time.monotonic() < end:
        time.sleep(0.01)


def ready():
    sys.stdout.flush()
    open(os.path.join(where, "ready"), "w").close()


print("start")
stop = threading.Event()
others = []
if mode == "threads":
    for _ in range(int(sys.argv[2])):
        t = threading.Thread(target=lambda: [time.sleep(0.001) for _ in iter(stop.is_set, True)])
        t.start()
        others.append(t)
if mode == "atexit":
    def late():
        ready()
        wait_for_marker()
        print("end")
    atexit.register(late)
else:
    ready()
    if mode == "blocked":
        time.sleep(float(sys.argv[2]))
    wait_for_marker()
    stop.set()
    for t in others:
        t.join()
    print("end")
