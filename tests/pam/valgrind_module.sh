#!/bin/bash
# valgrind_module.sh - test_module.sh with every 12th login under valgrind's
# memcheck (KINDE_VALGRIND, tests/pam/lib.sh).  Not in make check's TESTS:
# .ci/quickstart check runs it once, on the plain build
# (make check TESTS=tests/pam/valgrind_module.sh); KINDE_VALGRIND=1 runs
# every login so.
KINDE_VALGRIND=${KINDE_VALGRIND:-12} exec bash "${top_srcdir:?}/tests/pam/test_module.sh"
