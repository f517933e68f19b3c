#!/bin/sh
# valgrind.sh - kaeru parse over the whole corpus under valgrind memcheck.
#
#   sh tests/valgrind.sh KAERU CORPUS
#
# One process reads every mail of CORPUS/maildir and CORPUS/mailbox (a
# Maildir tree, files, mboxes) and writes JSON lines; memcheck must report
# no error and no leak. Prints "valgrind: N passed, N failed" like every
# kaeru test. Needs a build without sanitizers (meson registers it as the
# suite "valgrind" of the release build only).
set -u
KAERU=${1:?usage: valgrind.sh KAERU CORPUS}
CORPUS=${2:?usage: valgrind.sh KAERU CORPUS}
if ! command -v valgrind >/dev/null 2>&1; then
	echo "valgrind not installed: apt-get install valgrind"
	echo "valgrind: 0 passed, 1 failed"
	exit 1
fi
log=${TMPDIR:-/tmp}/kaeru-valgrind.$$
pass=0 fail=0
for input in "$CORPUS/maildir" "$CORPUS/mailbox"; do
	valgrind -q --error-exitcode=99 --suppressions="$(dirname "$0")/valgrind.supp" --leak-check=full --show-leak-kinds=definite,indirect,possible \
	    --errors-for-leak-kinds=definite,indirect,possible \
	    "$KAERU" parse --format jsonl "$input" >/dev/null 2>"$log"
	rc=$?
	# kaeru exits 1 when an input could not be read (the corpus's size-0 file
	# reads fine; a 1 is still no memory error); 99 is memcheck's verdict.
	if [ "$rc" -eq 99 ] || [ "$rc" -gt 1 ]; then
		echo "FAIL $input (exit $rc):"
		head -40 "$log"
		fail=$((fail + 1))
	else
		echo "ok   $input"
		pass=$((pass + 1))
	fi
done
rm -f "$log"
echo "valgrind: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
