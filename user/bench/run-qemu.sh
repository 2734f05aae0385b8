#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# Run every benchmark listed in EXPECTED under qemu-riscv64, compare its
# output line and exit status, and print its wall time.
# Usage: user/bench/run-qemu.sh [build-dir]   (default: user/build/bench)
# Environment: QEMU (default qemu-riscv64).  Exit status 0 if all match.

here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../build/bench}
qemu=${QEMU:-qemu-riscv64}

command -v "$qemu" >/dev/null 2>&1 || { echo "run-qemu: $qemu not found" >&2; exit 2; }

fails=0
while read -r name line; do
	case $name in ''|'#'*) continue ;; esac
	t0=$(date +%s.%N)
	out=$(timeout 60 "$qemu" "$bin/$name")
	rc=$?
	t1=$(date +%s.%N)
	secs=$(echo "$t0 $t1" | awk '{printf "%.2f", $2 - $1}')
	if [ $rc -eq 0 ] && [ "$out" = "$line" ]; then
		echo "ok    $name ${secs}s"
	else
		echo "FAIL  $name (exit $rc) ${secs}s"
		echo "      expected: $line"
		echo "      got:      $out"
		fails=$((fails + 1))
	fi
done <"$here/EXPECTED"
[ $fails -eq 0 ]
