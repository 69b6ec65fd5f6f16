#!/bin/sh
# build-fuzzers.sh - builds the libFuzzer binaries of tests/fuzz.
#
#   tests/fuzz/build-fuzzers.sh BUILDDIR [TARGET...]
#
# gives BUILDDIR/fuzz/fuzz_<target> for every tests/fuzz/fuzz_*.c (or the
# TARGETs named: token, jwks, apikey...).
# BUILDDIR is a configured build directory (for kinde-build.h); when it
# has none, the script runs configure there first.  The core (lib/*.c but
# the libcurl transport) is compiled into BUILDDIR/fuzz/libkinde-fuzz.a
# with the same instrumentation.
#
# Environment: CC (default clang; needs libFuzzer: clang's compiler-rt),
# SANITIZERS (default address,undefined), CFLAGS (default -g -O1).
set -eu

if [ $# -lt 1 ]; then
	echo "usage: $0 BUILDDIR [TARGET...]" >&2
	exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
mkdir -p "$1"
build=$(cd "$1" && pwd)
shift
targets="$*"
if [ -z "$targets" ]; then
	for f in "$here"/fuzz_*.c; do
		f=${f##*/fuzz_}
		targets="$targets ${f%.c}"
	done
fi
out=$build/fuzz

CC=${CC:-clang}
SANITIZERS=${SANITIZERS:-address,undefined}
CFLAGS=${CFLAGS:--g -O1}

if [ ! -f "$build/kinde-build.h" ]; then
	echo "configuring $build"
	(cd "$build" && "$top/configure" -q)
fi

deps=$(pkg-config --libs jansson libcrypto 2>/dev/null || echo "-ljansson -lcrypto")
depflags=$(pkg-config --cflags jansson libcrypto 2>/dev/null || true)
san="-fsanitize=$SANITIZERS -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cppflags="-I$build -I$top/lib -I$here $depflags"

mkdir -p "$out/obj"
rm -f "$out/libkinde-fuzz.a"
for src in "$top"/lib/*.c; do
	name=$(basename "$src" .c)
	# The libcurl transport is a plugin; nothing fuzzed reaches it.
	[ "$name" = http ] && continue
	# (cache, config and plugin paths keep their defaults: the code
	# fuzzed never opens them.)
	$CC $CFLAGS $san -fsanitize=fuzzer-no-link $cppflags \
		-c "$src" -o "$out/obj/$name.o"
done
ar rcs "$out/libkinde-fuzz.a" "$out"/obj/*.o

for target in $targets; do
	echo "building $out/fuzz_$target"
	$CC $CFLAGS $san -fsanitize=fuzzer $cppflags \
		"$here/fuzz_$target.c" "$out/libkinde-fuzz.a" \
		$deps -lpthread -ldl -lm -o "$out/fuzz_$target"
done
echo "run e.g.: $out/fuzz_token -dict=$here/token.dict $here/corpus/token"
