"""Runs a command with its stdout and stderr on a pseudo-terminal (as in a terminal
window) and prints what the terminal received, as a Python bytes literal, then the exit
status. Usage: python3 on_pty.py CMD [ARGS...]"""
import os
import pty
import sys

pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
got = b""
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:  # EIO: the child closed the terminal
        break
    if not chunk:
        break
    got += chunk
_, status = os.waitpid(pid, 0)
print(repr(got))
print("exit", os.waitstatus_to_exitcode(status))
