"""The bundled example for 'make demo': a small program whose time goes to a few
Python functions, so the report has something to say about each of them."""
import time


def parse_numbers(text):
    return [int(tok) for tok in text.split(",")]


def checksum(values):
    total = 0
    for v in values:
        total = (total * 31 + v) % 1000003
    return total


def slow_fib(n):
    return n if n < 2 else slow_fib(n - 1) + slow_fib(n - 2)


def main(seconds=1.5):
    text = ",".join(str(i) for i in range(2000))
    end = time.monotonic() + seconds
    rounds = 0
    while time.monotonic() < end:
        checksum(parse_numbers(text))
        slow_fib(15)
        rounds += 1
    print(f"demo: {rounds} rounds")


if __name__ == "__main__":
    main()
