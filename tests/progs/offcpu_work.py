"""Programs that wait, for the off-CPU tests. Usage: offcpu_work.py MODE

sleep   compute() works 0.25 s of CPU, then sleeper() sleeps 0.75 s, four times:
        1 s computing, 3 s asleep
lock    waiter() blocks 1 s on a threading.Lock that holder() keeps while it sleeps
socket  reader() blocks in recv() on a loopback socket until writer() sends, 1 s later
pipe    two worker processes block in os.read() of a pipe the parent writes to after 1 s
gil     two threads spin in spin() for 1.5 s of wall time: each waits for the GIL
short   many_short() sleeps 10 ms 50 times, long_nap() sleeps 0.3 s 3 times
wait    prints "ready", then sleeps in sleeper() 0.2 s at a time for 3 s (to attach to)
"""
import os
import socket
import sys
import threading
import time


def compute(seconds):
    end = time.process_time() + seconds
    x = 0
    while True:
        for i in range(20000):
            x += i * i % 7
        if time.process_time() >= end:
            return x


def sleeper(seconds):
    time.sleep(seconds)


def holder(lock, started):
    with lock:
        started.set()
        time.sleep(1.0)


def waiter(lock):
    with lock:
        pass


def writer(sock):
    time.sleep(1.0)
    sock.sendall(b"x" * 16)


def reader(sock):
    return sock.recv(16)


def worker(fd):
    return os.read(fd, 1)


def spin(until):
    x = 0
    while time.monotonic() < until:
        x += 1
    return x


def many_short():
    for _ in range(50):
        time.sleep(0.01)


def long_nap():
    for _ in range(3):
        time.sleep(0.3)


def main(mode):
    if mode == "sleep":
        for _ in range(4):
            compute(0.25)
            sleeper(0.75)
    elif mode == "lock":
        lock, started = threading.Lock(), threading.Event()
        t = threading.Thread(target=holder, args=(lock, started))
        t.start()
        started.wait()
        waiter(lock)
        t.join()
    elif mode == "socket":
        a, b = socket.socketpair(socket.AF_UNIX)
        srv = socket.create_server(("127.0.0.1", 0))
        port = srv.getsockname()[1]
        c = socket.create_connection(("127.0.0.1", port))
        s, _ = srv.accept()
        t = threading.Thread(target=writer, args=(s,))
        t.start()
        reader(c)
        t.join()
        for x in (a, b, srv, c, s):
            x.close()
    elif mode == "pipe":
        r, w = os.pipe()
        pids = []
        for _ in range(2):
            pid = os.fork()
            if pid == 0:
                os.close(w)
                worker(r)
                os._exit(0)
            pids.append(pid)
        os.close(r)
        time.sleep(1.0)
        os.write(w, b"ab")
        for pid in pids:
            os.waitpid(pid, 0)
    elif mode == "gil":
        until = time.monotonic() + 1.5
        threads = [threading.Thread(target=spin, args=(until,)) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    elif mode == "short":
        many_short()
        long_nap()
    elif mode == "wait":
        print("ready", flush=True)
        for _ in range(15):
            sleeper(0.2)
    else:
        sys.exit("unknown mode " + mode)


main(sys.argv[1] if len(sys.argv) > 1 else "sleep")
