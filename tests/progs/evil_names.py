"""CPU work in a function whose name, file name and process name a hostile program
chose: terminal escape sequences, ';', quotes, '</script>', a newline in the process
name. Usage: evil_names.py [cpu-seconds]. Prints the names (repr) first."""
import ctypes
import sys
import time

EVIL_NAME = 'evil\x1b[31mRED\x1b[0m;semi"quote</script>'
EVIL_FILE = '/tmp/evil\x1b]0;TITLE\x07;dir"</script>.py'
EVIL_COMM = 'ev\x1b[1ml\nc;m'

src = '''
def work(seconds):
    end = time.process_time() + seconds
    total = 0
    while time.process_time() < end:
        for i in range(20000):
            total += i * i % 7
    return total
'''
ns = {"time": time}
exec(compile(src, EVIL_FILE, "exec"), ns)
work = ns["work"]
code = work.__code__
if sys.version_info >= (3, 11):
    work.__code__ = code.replace(co_name=EVIL_NAME, co_qualname=EVIL_NAME)
else:
    work.__code__ = code.replace(co_name=EVIL_NAME)

libc = ctypes.CDLL(None)
libc.prctl(15, EVIL_COMM.encode())  # PR_SET_NAME (the kernel keeps 15 bytes)
print(repr(EVIL_NAME), repr(EVIL_FILE), repr(EVIL_COMM), flush=True)
work(float(sys.argv[1]) if len(sys.argv) > 1 else 1.5)
