"""Exercises what a trampoline must not change; prints a transcript that must be the
same with and without it: exceptions, generators, coroutines, async, settrace,
setprofile, recursion limits, signals, threads."""
import asyncio
import signal
import sys
import threading

out = []


def log(*a):
    out.append(" ".join(str(x) for x in a))


# Exceptions, through several Python frames, with chaining and finally.
def raiser(n):
    if n == 0:
        raise ValueError("deep")
    try:
        return raiser(n - 1)
    finally:
        log("finally", n)


try:
    raiser(3)
except ValueError as e:
    log("caught", e, type(e.__context__).__name__)

try:
    try:
        1 / 0
    except ZeroDivisionError as e:
        raise KeyError("k") from e
except KeyError as e:
    log("chained", repr(e), type(e.__cause__).__name__)


# Generators: send, throw, close, yield from.
def gen():
    try:
        x = yield 1
        log("gen got", x)
        yield (x or 0) * 2
    except RuntimeError as e:
        log("gen threw", e)
        yield -1
    finally:
        log("gen closed")


g = gen()
log("next", next(g))
log("send", g.send(21))
g2 = gen()
next(g2)
log("throw", g2.throw(RuntimeError("boom")))
g2.close()


def outer():
    r = yield from gen()
    return r


log("yield from", list(outer()))


# Coroutines and asyncio.
async def leaf(i):
    await asyncio.sleep(0)
    return i * i


async def main():
    results = await asyncio.gather(*(leaf(i) for i in range(5)))
    log("gather", results)
    try:
        await asyncio.wait_for(asyncio.sleep(10), timeout=0.01)
    except asyncio.TimeoutError:
        log("timeout")

    async def agen():
        for i in range(3):
            yield i

    log("async for", [i async for i in agen()])


asyncio.run(main())


# settrace and setprofile see the same calls.
def traced(a):
    return a + 1


events = []


def tracer(frame, event, arg):
    if frame.f_code.co_name == "traced":
        events.append(event)
    return tracer


sys.settrace(tracer)
traced(1)
sys.settrace(None)
log("settrace", events)

prof = []


def profiler(frame, event, arg):
    if frame.f_code.co_name == "traced":
        prof.append(event)


sys.setprofile(profiler)
traced(2)
sys.setprofile(None)
log("setprofile", prof)


# Recursion: RecursionError is raised and can be caught. (Its depth is compared with
# CPython's own -X perf by the test: on 3.12+ any PEP 523 hook makes Python calls C
# calls, so the C recursion limit comes first, for -X perf as for pyperfmap.)
def depth(n):
    try:
        return depth(n + 1)
    except RecursionError:
        return n


log("recursion error caught", depth(0) > 100)


# A signal handler that raises into running Python code.
class Alarm(Exception):
    pass


def on_alarm(signum, frame):
    raise Alarm()


signal.signal(signal.SIGALRM, on_alarm)
signal.setitimer(signal.ITIMER_REAL, 0.05)
try:
    while True:
        traced(0)
except Alarm:
    log("signal raised in Python code")


# Threads.
results = []
threads = [threading.Thread(target=lambda i=i: results.append(traced(i))) for i in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
log("threads", sorted(results))

print("\n".join(out))
