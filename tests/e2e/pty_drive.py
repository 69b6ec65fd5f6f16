#!/usr/bin/python3
"""pty_drive.py - runs a program (the real ssh client) on a pseudo-terminal
of 80x24, as a person at a terminal would, and answers one prompt.

    pty_drive.py --screen FILE --wait-for TEXT --shown FILE --go FILE
                 [--send TEXT] [--timeout S] -- ARGV...

Everything the program writes to the terminal goes to --screen as it
arrives.  Once TEXT has appeared, what was written so far is copied to
--shown (the test reads the code and the link from it), then the driver
waits for the file --go to exist (the test creates it once it has
approved the login) and types --send (default: Enter).  It exits with the
program's status, 124 after --timeout seconds (default 60, the program is
killed), 125 when TEXT never appeared before the program ended.
"""
import argparse
import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--screen", required=True)
    p.add_argument("--wait-for", required=True)
    p.add_argument("--shown", required=True)
    p.add_argument("--go", required=True)
    p.add_argument("--send", default="\r")
    p.add_argument("--timeout", type=float, default=60)
    p.add_argument("argv", nargs="+")
    a = p.parse_args()

    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        os.execvp(a.argv[0], a.argv)
    end = time.monotonic() + a.timeout
    want = a.wait_for.encode()
    seen = b""
    answered = False
    status = None
    with open(a.screen, "wb") as screen:
        while True:
            if time.monotonic() > end:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                return 124
            if not answered and want in seen:
                with open(a.shown, "wb") as f:
                    f.write(seen)
                while not os.path.exists(a.go):
                    if time.monotonic() > end:
                        os.kill(pid, signal.SIGKILL)
                        os.waitpid(pid, 0)
                        return 124
                    time.sleep(0.05)
                os.write(fd, a.send.encode())
                answered = True
            r, _, _ = select.select([fd], [], [], 0.1)
            if r:
                try:
                    data = os.read(fd, 65536)
                except OSError:         # EIO: the program closed the tty
                    data = b""
                if not data:
                    break
                screen.write(data)
                screen.flush()
                seen += data
    _, status = os.waitpid(pid, 0)
    if not answered:
        return 125
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
