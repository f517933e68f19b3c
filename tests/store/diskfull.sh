#!/bin/sh
# diskfull.sh KAERU HERE - kaeru ingest into a SQLite store whose file
# system fills up part of the way: the run fails (exit 3) and names the
# records it did not store, the store keeps every batch committed before
# and still reads, and the same ingest run again once there is room stores
# exactly what was missing: the store then equals one that never filled.
#
# The file system is a small tmpfs mounted here, filled by a file of zeros: as root directly, else in
# a user and mount namespace of its own (unshare). Where neither can mount,
# the test is skipped (exit 77) and says so.
set -u
kaeru=$1
here=$2

if [ "${KAERU_DISKFULL_NS:-}" != 1 ] && [ "$(id -u)" -ne 0 ]; then
	if command -v unshare >/dev/null 2>&1 &&
	    unshare --map-root-user --mount true 2>/dev/null; then
		KAERU_DISKFULL_NS=1 exec unshare --map-root-user --mount sh "$0" "$@"
	fi
	echo "diskfull: skipped: cannot mount a tmpfs (not root, and no user namespaces)"
	exit 77
fi

tmp=$(mktemp -d /tmp/kaeru-diskfull.XXXXXX)
mnt=$tmp/fs
mkdir "$mnt"
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL diskfull: $*"; fail=$((fail + 1)); }
cleanup() {
	umount "$mnt" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

if ! mount -t tmpfs -o size=8m tmpfs "$mnt" 2>"$tmp/mount.err"; then
	echo "diskfull: skipped: cannot mount a tmpfs: $(cat "$tmp/mount.err")"
	exit 77
fi

python3 "$here/gen_mbox.py" "$tmp/first.mbox" 0 40
python3 "$here/gen_mbox.py" "$tmp/more.mbox" 40 3000
db=$mnt/k.db
"$kaeru" ingest --db "$db" "$tmp/first.mbox" >/dev/null 2>&1 && ok || bad "the first 40 mails: exit $?"
"$kaeru" stats --db "$db" --format csv >"$tmp/stats.before" || bad "stats before: exit $?"

# A filler leaves room for a little more than the store takes now: the
# 3,000 mails fill it.
avail=$(df -k "$mnt" | awk 'NR == 2 { print $4 }')
dd if=/dev/zero of="$mnt/filler" bs=1k count=$((avail - 400)) 2>/dev/null || bad "the filler"
"$kaeru" ingest --db "$db" --batch 100 --format jsonl "$tmp/more.mbox" >"$tmp/full.out" 2>"$tmp/full.err"
rc=$?
[ $rc -eq 3 ] && ok || bad "a full disk: exit $rc, want 3: $(cat "$tmp/full.err")"
grep -q "records [0-9]* to [0-9]* of this run were not stored: .*full" "$tmp/full.err" && ok ||
    bad "a full disk: the records not stored are named: $(cat "$tmp/full.err")"
stored=$(sed -n 's/.*"stored":\([0-9]*\).*/\1/p' "$tmp/full.out")
first=$(sed -n 's/.*records \([0-9]*\) to.*/\1/p' "$tmp/full.err")
# Whole batches of 100 went in before the one that failed, and only they.
[ -n "$stored" ] && [ -n "$first" ] && [ "$first" -eq $((stored + 1)) ] && [ $((stored % 100)) -eq 0 ] &&
    ok || bad "a full disk: $stored stored, the failed batch starts at record $first"

# The store still reads, and holds the first 40 and the batches committed.
"$kaeru" stats --db "$db" --format jsonl >"$tmp/stats.full" 2>&1 ||
    bad "stats on a full disk: exit $?: $(cat "$tmp/stats.full")"
grep -q "\"events\":$((40 + stored))," "$tmp/stats.full" && ok ||
    bad "stats on a full disk: want $((40 + stored)) events: $(cat "$tmp/stats.full")"

# Room again: the same ingest stores what is missing, nothing twice.
rm -f "$mnt/filler"
"$kaeru" ingest --db "$db" --format jsonl "$tmp/more.mbox" >"$tmp/again.out" 2>"$tmp/again.err" ||
    bad "again: exit $?: $(cat "$tmp/again.err")"
grep -q "\"records\":3000,\"stored\":$((3000 - stored)),\"duplicates\":$stored," "$tmp/again.out" && ok ||
    bad "again: want $((3000 - stored)) stored and $stored duplicates: $(cat "$tmp/again.out")"

# The same as a store that never filled.
"$kaeru" ingest --db "$tmp/fresh.db" "$tmp/first.mbox" >/dev/null 2>&1 || bad "fresh: exit $?"
"$kaeru" ingest --db "$tmp/fresh.db" "$tmp/more.mbox" >/dev/null 2>&1 || bad "fresh: exit $?"
for what in "stats" "stats --by domain" "suppressions export"; do
	# shellcheck disable=SC2086
	"$kaeru" $what --db "$db" --format csv >"$tmp/a.csv" 2>&1
	# shellcheck disable=SC2086
	"$kaeru" $what --db "$tmp/fresh.db" --format csv >"$tmp/b.csv" 2>&1
	cmp -s "$tmp/a.csv" "$tmp/b.csv" && [ -s "$tmp/a.csv" ] && ok ||
	    bad "$what: the store that filled differs from one that did not: $(diff "$tmp/a.csv" "$tmp/b.csv" | head -5)"
done

echo "diskfull: $stored of 3000 records stored before the disk was full"
echo "diskfull: $pass passed, $fail failed"
[ $fail -eq 0 ]
