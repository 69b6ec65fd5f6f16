#!/bin/bash
# valgrind_sshd.sh - test_sshd.sh with sshd, and the module in it, under
# valgrind's memcheck (KINDE_VALGRIND, tests/e2e/test_sshd.sh).  Not in
# make check's TESTS: .ci/quickstart check runs it once, on the plain
# build (make check TESTS=tests/e2e/valgrind_sshd.sh).
KINDE_VALGRIND=${KINDE_VALGRIND:-1} exec bash "${top_srcdir:?}/tests/e2e/test_sshd.sh"
