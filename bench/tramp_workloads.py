"""Fixed amounts of work for the trampoline benchmark; prints the seconds the work took
(measured inside the process, so interpreter start-up is not part of it).
Usage: python tramp_workloads.py fib|loop|oo|newfuncs [scale]"""
import sys
import time


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def run_fib(scale):
    for _ in range(scale):
        fib(22)


def run_loop(scale):
    s = 0
    for i in range(scale * 200000):
        s += i * i % 7
    return s


class Shape:
    def __init__(self, w, h):
        self.w, self.h = w, h

    def area(self):
        return self.w * self.h

    @property
    def perimeter(self):
        return 2 * (self.w + self.h)


class Square(Shape):
    def __init__(self, side):
        super().__init__(side, side)

    def area(self):
        return super().area()


def run_oo(scale):
    total = 0
    registry = {}
    for i in range(scale * 20000):
        s = Square(i % 13) if i % 2 else Shape(i % 7, i % 5)
        total += s.area() + s.perimeter
        registry[i % 100] = s
    return total + len(registry)


def run_newfuncs(scale):
    """scale*1000 distinct functions, each compiled and called once: the cost of a new
    trampoline and its perf map line."""
    n = scale * 1000
    src = "\n".join("def f%d(x):\n    return x + %d" % (i, i) for i in range(n))
    ns = {}
    exec(compile(src, "<generated>", "exec"), ns)
    funcs = [ns["f%d" % i] for i in range(n)]
    t = time.perf_counter()
    for f in funcs:
        f(1)
    return time.perf_counter() - t


which = sys.argv[1]
scale = int(sys.argv[2]) if len(sys.argv) > 2 else 10
t0 = time.perf_counter()
r = globals()["run_" + which](scale)
elapsed = r if which == "newfuncs" else time.perf_counter() - t0
print("%.6f" % elapsed)
if which == "newfuncs" and "pyperfmap" in sys.modules:
    st = sys.modules["pyperfmap"]._stats()
    sys.stderr.write("stats %d %d\n" % (st["stubs"], st["map_bytes"]))
