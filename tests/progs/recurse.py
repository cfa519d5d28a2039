"""CPU work at the bottom of a Python recursion DEPTH levels deep (default 50).
Usage: recurse.py [seconds] [depth]"""
import sys
import time


def work():
    total = 0
    for i in range(20000):
        total += i * i % 7
    return total


def down(n):
    return down(n - 1) if n > 1 else work()


seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
depth = int(sys.argv[2]) if len(sys.argv) > 2 else 50
sys.setrecursionlimit(max(1000, depth + 100))
end = time.process_time() + seconds  # CPU seconds: as many samples on any machine
while time.process_time() < end:
    down(depth)
