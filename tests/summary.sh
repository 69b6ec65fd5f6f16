#!/bin/bash
# tests/summary.sh BUILDDIR... : totals the TAP results of `make check` in
# each build directory (every test case, not every program) and prints the
# failures and each directory's count, then the final line "N passed, N
# failed" summed over all of them.  Exit 1 when a case failed or a build
# ran no tests (a directory without results counts as one failure).
set -u
passed=0
failed=0
for dir in "$@"; do
	n=0
	dp=0
	df=0
	while IFS= read -r trs; do
		n=$((n + 1))
		p=$(grep -c '^:test-result: \(PASS\|SKIP\|XFAIL\)' "$trs")
		f=$(grep -c '^:test-result: \(FAIL\|ERROR\|XPASS\)' "$trs")
		dp=$((dp + p))
		df=$((df + f))
		if [ "$f" -gt 0 ]; then
			echo "FAILED in $dir: ${trs%.trs}.log"
			grep -m 20 '^not ok\|^Bail out' "${trs%.trs}.log" | sed 's/^/  /'
		fi
	done < <(find "$dir" -name '*.trs' 2>/dev/null | sort)
	if [ "$n" -eq 0 ]; then
		echo "no test results in $dir"
		df=$((df + 1))
	fi
	echo "$dir: $dp passed, $df failed"
	passed=$((passed + dp))
	failed=$((failed + df))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
