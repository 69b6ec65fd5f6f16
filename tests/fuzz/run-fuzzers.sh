#!/bin/sh
# run-fuzzers.sh - builds the libFuzzer targets and runs each for a while
# (make fuzz FUZZ_SECONDS=N runs this).
#
#   tests/fuzz/run-fuzzers.sh BUILDDIR SECONDS [TARGET...]
#
# Each target fuzzes a scratch copy of its corpus (BUILDDIR/fuzz/work/T,
# never tests/fuzz/corpus itself) with its dictionary when there is one,
# for SECONDS; FUZZ_JOBS targets run at once (default 2).  A crash or a
# failed property is saved as BUILDDIR/fuzz/crashes/T-<hash> and the
# script exits 1.  The last lines give the executions per target.
# Merge what is worth keeping into the corpus as tests/fuzz/README.md says.
set -eu

if [ $# -lt 2 ]; then
	echo "usage: $0 BUILDDIR SECONDS [TARGET...]" >&2
	exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
build=$1
secs=$2
shift 2
"$here/build-fuzzers.sh" "$build" "$@" >/dev/null
build=$(cd "$build" && pwd)
out=$build/fuzz
targets="$*"
if [ -z "$targets" ]; then
	for f in "$here"/fuzz_*.c; do
		f=${f##*/fuzz_}
		targets="$targets ${f%.c}"
	done
fi
mkdir -p "$out/crashes" "$out/work" "$out/logs"
# The targets that plant files (cache, limiter, usermap) do it in a temp
# dir: on tmpfs when there is one, so fsync costs nothing.
[ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ] && TMPDIR=/dev/shm
export TMPDIR

run_one() {
	t=$1
	work=$out/work/$t
	mkdir -p "$work"
	cp -R "$here/corpus/$t/." "$work/" 2>/dev/null || true
	dict=
	if [ -f "$here/$t.dict" ]; then
		dict="-dict=$here/$t.dict"
	else
		# the replies and state files are JSON
		dict="-dict=$here/json.dict"
	fi
	# (-max_len: tokens are capped at 16 KiB, a reply at 1 MiB; the
	# fuzzer's default would follow the largest seed only.)
	"$out/fuzz_$t" $dict -max_len=20000 -max_total_time="$secs" \
		-timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$out/crashes/$t-" "$work" \
		>"$out/logs/$t.log" 2>&1
}

status=0
jobs=${FUZZ_JOBS:-2}
set -- $targets
while [ $# -gt 0 ]; do
	pids=
	i=0
	while [ $# -gt 0 ] && [ $i -lt "$jobs" ]; do
		run_one "$1" &
		pids="$pids $!:$1"
		shift
		i=$((i + 1))
	done
	for p in $pids; do
		wait "${p%%:*}" || { echo "fuzz_${p#*:}: FAILED (see $out/logs/${p#*:}.log)"; status=1; }
	done
done
for t in $targets; do
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/logs/$t.log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$out/logs/$t.log" | tail -1)
	printf '%-14s %10s executions in %ss, %s\n' "$t" "${execs:-?}" "$secs" "${cov:-cov: ?}"
done
exit $status
