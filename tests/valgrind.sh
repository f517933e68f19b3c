#!/bin/sh
# valgrind.sh - kaeru parse over the whole corpus under valgrind memcheck.
#
#   sh tests/valgrind.sh KAERU CORPUS
#
# One process reads every mail of CORPUS/maildir and CORPUS/mailbox (a
# Maildir tree, files, mboxes) and writes JSON lines, then a large bounce
# with photos from a file and from stdin; memcheck must report no error
# and no leak. Prints "valgrind: N passed, N failed" like every
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
big=${TMPDIR:-/tmp}/kaeru-valgrind-photos.$$.eml
pass=0 fail=0
# check WHAT ARGS... - one kaeru parse under memcheck (stdin from $stdin)
check() {
	what=$1
	shift
	valgrind -q --error-exitcode=99 --suppressions="$(dirname "$0")/valgrind.supp" --leak-check=full --show-leak-kinds=definite,indirect,possible \
	    --errors-for-leak-kinds=definite,indirect,possible \
	    "$KAERU" parse --format jsonl "$@" <"$stdin" >/dev/null 2>"$log"
	rc=$?
	# kaeru exits 1 when an input could not be read (the corpus's size-0 file
	# reads fine; a 1 is still no memory error); 99 is memcheck's verdict.
	if [ "$rc" -eq 99 ] || [ "$rc" -gt 1 ]; then
		echo "FAIL $what (exit $rc):"
		head -40 "$log"
		fail=$((fail + 1))
	else
		echo "ok   $what"
		pass=$((pass + 1))
	fi
}
stdin=/dev/null
for input in "$CORPUS/maildir" "$CORPUS/mailbox"; do
	check "$input" "$input"
done
# A 2 MB bounce returning photos: streamed with its attachments left out,
# from a file and from stdin, and read whole.
python3 "$(dirname "$0")/../bench/mkmail.py" big "$big" 2000000
check "a 2 MB bounce with photos" "$big"
check "--keep-attachments" --keep-attachments "$big"
stdin=$big
check "the same on stdin" -
# A 5 MB mbox (the 2 MB bounce and the corpus's mboxes, glued): split
# into ranges of 1 MiB that two threads read, parse and hand back.
stdin=/dev/null
mbox=${TMPDIR:-/tmp}/kaeru-valgrind-ranges.$$.mbox
{
	for i in 1 2 3; do
		printf 'From MAILER-DAEMON Thu Jan  1 00:00:00 2026\n'
		sed 's/^\(>*From \)/>\1/' "$big"
		printf '\n'
		cat "$CORPUS"/mailbox/* 2>/dev/null | head -c 200000
		printf '\n'
	done
} >"$mbox"
check "a 5 MB mbox in ranges, --jobs 2" --jobs 2 "$mbox"
rm -f "$mbox"
rm -f "$big"
rm -f "$log"
echo "valgrind: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
