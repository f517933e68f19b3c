#!/bin/sh
# Golden tests of the kaeru command: each case of cases.txt runs kaeru from
# the source root; its standard output and error, and its exit status, must
# equal <name>.ref. "run.sh KAERU SRCDIR --update" rewrites the .ref files
# (review the diff before committing them).
set -u
kaeru=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$2
update=${3:-}
dir="$src/tests/golden"
pass=0
fail=0
cd "$src" || exit 2
while IFS='|' read -r name args want; do
	case "$name" in ''|'#'*) continue ;; esac
	out=$(mktemp)
	# shellcheck disable=SC2086
	"$kaeru" $args >"$out" 2>&1
	rc=$?
	echo "exit $rc" >>"$out"
	if [ "$update" = "--update" ]; then
		cp "$out" "$dir/$name.ref"
	fi
	if [ "$rc" != "$want" ]; then
		echo "FAIL $name: exit $rc, want $want"
		fail=$((fail + 1))
	elif ! diff -u "$dir/$name.ref" "$out"; then
		echo "FAIL $name: output differs from $name.ref"
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
	rm -f "$out"
done <"$dir/cases.txt"
echo "golden: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
