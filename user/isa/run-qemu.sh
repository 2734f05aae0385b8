#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# Run the ISA tests under qemu-riscv64 and compare with the lists:
#   PASS_LIST       must exit 0
#   TRAP_LIST       must behave as its qemu=... field says
#   KOLA_ONLY_LIST  must behave as its qemu=... field says
# If the plugin build/tools/qemu-aligncheck.so exists (make -C user tools),
# PASS_LIST programs must also make no misaligned access (Kola traps on them).
# Usage: user/isa/run-qemu.sh [build-dir]   (default: user/build/isa)
# Environment: QEMU (default qemu-riscv64), ALIGNCHECK (the plugin; "" = off).
# Exit status 0 if all as expected.

here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../build/isa}
qemu=${QEMU:-qemu-riscv64}

command -v "$qemu" >/dev/null 2>&1 || { echo "run-qemu: $qemu not found" >&2; exit 2; }
align=${ALIGNCHECK-$bin/../tools/qemu-aligncheck.so}
[ -n "$align" ] && [ ! -f "$align" ] && align=

fails=0
total=0

# outcome NAME [qemu options] -> prints the exit status, or the signal name
outcome() {
	name=$1
	shift
	timeout 20 "$qemu" "$@" "$bin/$name" >"$tmp" 2>&1
	rc=$?
	if [ $rc -eq 124 ]; then
		echo timeout
	elif [ $rc -gt 128 ]; then
		echo "SIG$(kill -l $((rc - 128)))"
	else
		echo $rc
	fi
}

check() { # name expected list
	total=$((total + 1))
	if [ ! -x "$bin/$1" ]; then
		echo "MISSING $1"
		fails=$((fails + 1))
		return
	fi
	if [ "$3" = pass ] && [ -n "$align" ]; then
		got=$(outcome "$1" -plugin "$align" -d plugin -D "$log")
		if ! grep -q '^misaligned accesses: 0$' "$log"; then
			echo "FAIL    $1 (misaligned accesses)"
			sed 's/^/        | /' "$log"
			fails=$((fails + 1))
			return
		fi
	else
		got=$(outcome "$1")
	fi
	if [ "$got" = "$2" ]; then
		echo "ok      $1 ($3: $got)"
	else
		echo "FAIL    $1 ($3: expected $2, got $got)"
		sed 's/^/        | /' "$tmp"
		fails=$((fails + 1))
	fi
}

tmp=$(mktemp)
log=$(mktemp)
trap 'rm -f "$tmp" "$log"' EXIT
[ -n "$align" ] && echo "run-qemu: PASS_LIST programs also checked with $align"

while read -r name rest; do
	case $name in ''|'#'*) continue ;; esac
	check "$name" 0 pass
done <"$here/PASS_LIST"

for list in TRAP_LIST KOLA_ONLY_LIST; do
	while read -r name rest; do
		case $name in ''|'#'*) continue ;; esac
		exp=$(printf '%s\n' "$rest" | sed -n 's/.*qemu=\([^ ]*\).*/\1/p')
		check "$name" "$exp" "$list"
	done <"$here/$list"
done

echo "run-qemu: $((total - fails))/$total as expected"
[ $fails -eq 0 ]
