#!/bin/bash
# tests/summary.sh BUILDDIR... : totals the TAP results of `make check` in
# each build directory (every test case, not every program) and prints the
# failures, then the final line "N passed, N failed".  Exit 1 when a case
# failed or a build ran no tests.
set -u
passed=0
failed=0
for dir in "$@"; do
	n=0
	while IFS= read -r trs; do
		n=$((n + 1))
		p=$(grep -c '^:test-result: \(PASS\|SKIP\|XFAIL\)' "$trs")
		f=$(grep -c '^:test-result: \(FAIL\|ERROR\|XPASS\)' "$trs")
		passed=$((passed + p))
		failed=$((failed + f))
		if [ "$f" -gt 0 ]; then
			echo "FAILED in $dir: ${trs%.trs}.log"
			grep -m 20 '^not ok\|^Bail out' "${trs%.trs}.log" | sed 's/^/  /'
		fi
	done < <(find "$dir" -name '*.trs' | sort)
	if [ "$n" -eq 0 ]; then
		echo "no test results in $dir"
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
