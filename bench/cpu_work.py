"""A fixed amount of CPU-bound Python work (not a fixed time), for overhead ratios."""
import sys


def leaf(i):
    return (i * i) % 7


def middle(n):
    s = 0
    for i in range(n):
        s += leaf(i)
    return s


def top(rounds):
    return sum(middle(20000) for _ in range(rounds))


print(top(int(sys.argv[1]) if len(sys.argv) > 1 else 300))
