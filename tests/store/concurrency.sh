#!/bin/sh
# concurrency.sh KAERU HERE DB TMP - durability and concurrency of kaeru ingest
#   1. two ingests at once on overlapping inputs: every event once;
#   2. an ingest killed with SIGKILL mid-run, then run again: nothing lost,
#      nothing counted twice.
# The database DB must be empty. Prints "N passed, N failed".
set -u
kaeru=$1
here=$2
db=$3
tmp=$4
pass=0
fail=0

ok() { pass=$((pass + 1)); }
bad() { echo "FAIL concurrency: $*"; fail=$((fail + 1)); }
# total FIELD - a column of "kaeru stats" (events, hard, soft)
total() {
	"$kaeru" stats --db "$db" --format csv | awk -F, -v f="$1" '
	    NR == 1 { for (i = 1; i <= NF; i++) if ($i == f) c = i } NR == 2 { print $c }'
}
nsupp() { "$kaeru" suppressions export --db "$db" | tail -n +2 | wc -l | tr -d ' '; }

# 1. Two processes, overlapping: mails 0..2999 and 2000..4999.
python3 "$here/gen_mbox.py" "$tmp/a.mbox" 0 3000
python3 "$here/gen_mbox.py" "$tmp/b.mbox" 2000 3000
"$kaeru" ingest --db "$db" --batch 25 --format csv "$tmp/a.mbox" >"$tmp/a.out" 2>"$tmp/a.err" &
pa=$!
"$kaeru" ingest --db "$db" --batch 25 --format csv "$tmp/b.mbox" >"$tmp/b.out" 2>"$tmp/b.err" &
pb=$!
wait $pa; ra=$?
wait $pb; rb=$?
[ $ra -eq 0 ] && [ $rb -eq 0 ] && ok || { bad "two ingests: exit $ra $rb"; cat "$tmp/a.err" "$tmp/b.err"; }
[ "$(total events)" = 5000 ] && ok || bad "two ingests: $(total events) events, want 5000"
stored=$(cat "$tmp/a.out" "$tmp/b.out" | awk -F, '$1 ~ /^[0-9]+$/ { s += $3; d += $4 } END { print s + 0, d + 0 }')
[ "$stored" = "5000 1000" ] && ok || bad "two ingests: stored/duplicates $stored, want 5000 1000"
[ "$(total hard)" = 2500 ] && ok || bad "two ingests: $(total hard) hard bounces, want 2500"
[ "$(nsupp)" = 2500 ] && ok || bad "two ingests: $(nsupp) suppressions, want 2500"

# 2. SIGKILL in the middle, then the same run again.
# Big enough that even a fast machine is still ingesting when the kill comes.
n=20000
python3 "$here/gen_mbox.py" "$tmp/c.mbox" 10000 $n
"$kaeru" ingest --db "$db" --batch 10 "$tmp/c.mbox" >/dev/null 2>&1 &
pc=$!
i=0
while [ "$(total events)" -le 5200 ] && [ $i -lt 3000 ]; do
	sleep 0.01
	i=$((i + 1))
done
kill -9 $pc 2>/dev/null
wait $pc 2>/dev/null
rc=$?
mid=$(total events)
[ $rc -eq 137 ] && ok || bad "the ingest ended (exit $rc) before it was killed: a bigger input is needed"
[ "$mid" -gt 5000 ] && [ "$mid" -lt $((5000 + n)) ] && ok || bad "killed at $mid events: not in the middle"
"$kaeru" ingest --db "$db" --format csv "$tmp/c.mbox" >"$tmp/c.out" 2>"$tmp/c.err" || { bad "re-run failed"; cat "$tmp/c.err"; }
[ "$(total events)" = $((5000 + n)) ] && ok || bad "after the kill: $(total events) events, want $((5000 + n))"
again=$(awk -F, 'NR == 2 { print $3 + $4 }' "$tmp/c.out")
[ "$again" = $n ] && ok || bad "re-run: stored + duplicates = $again, want $n"
[ "$(total hard)" = $((2500 + n / 2)) ] && ok || bad "after the kill: $(total hard) hard bounces, want $((2500 + n / 2))"
[ "$(nsupp)" = $((2500 + n / 2)) ] && ok || bad "after the kill: $(nsupp) suppressions, want $((2500 + n / 2))"
echo "concurrency ($db): killed at $mid of $((5000 + n)) events; $pass passed, $fail failed"
[ $fail -eq 0 ]
