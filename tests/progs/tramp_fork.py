"""The parent and a forked child each call functions of their own; prints both pids."""
import os


def parent_only():
    return 1


def child_only():
    return 2


parent_only()
pid = os.fork()
if pid == 0:
    child_only()
    os._exit(0)  # as multiprocessing's workers leave: no atexit handlers
os.waitpid(pid, 0)
print(os.getpid(), pid)
