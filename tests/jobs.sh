#!/bin/sh
# jobs.sh KAERU CORPUS - kaeru parse gives the same output for any --jobs
#   Every mail of the corpus (several batches of the parse pipeline), once
#   as files and once as one mbox, with 1, 2, 3 and 8 threads, in each
#   output format that streams; plus a run that mixes small mails with a
#   large one (parsed in place, outside the batches). Then a 3 MB bounce
#   returning photos, LF and CRLF: its records are the same whether its
#   attachments are left out as it is read (the default, file or stdin)
#   or it is read whole (--keep-attachments), alone or inside an mbox.
#   Last, files large enough to
#   be split into ranges among the threads, and an mbox read through a
#   named pipe and gzip'd.
set -u
kaeru=$1
corpus=$2
tmp=$(mktemp -d /tmp/kaeru-jobs.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
check() {	# check WHAT FILE...: identical files
	what=$1
	shift
	first=$1
	ok=1
	for f in "$@"; do
		cmp -s "$first" "$f" || ok=0
	done
	if [ "$ok" = 1 ] && [ -s "$first" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $what"
	fi
}

# One mbox of every corpus mail (From_ lines added, body From lines quoted).
python3 - "$corpus/maildir/bsd" "$tmp/all.mbox" <<'PY'
import os, sys
src, out = sys.argv[1], sys.argv[2]
with open(out, 'wb') as o:
    for name in sorted(os.listdir(src)):
        data = open(os.path.join(src, name), 'rb').read().replace(b'\r\n', b'\n')
        if data.startswith(b'From '):
            data = data.split(b'\n', 1)[1]     # its own From_ line: ours replaces it
        o.write(b'From MAILER-DAEMON Thu Jan  1 00:00:00 2026\n')
        for line in data.split(b'\n'):
            if line.lstrip(b'>').startswith(b'From '):
                line = b'>' + line
            o.write(line + b'\n')
        o.write(b'\n')
PY
head -c 3000000 /dev/zero | tr '\0' 'a' | fold -w 76 >"$tmp/big.txt"
{
	printf 'From: MAILER-DAEMON@example.org\nSubject: Undelivered Mail Returned to Sender\n'
	printf 'Content-Type: text/plain\n\n<nobody@example.com>: host mx.example.com said: 550 5.1.1 unknown user\n\n'
	cat "$tmp/big.txt"
} >"$tmp/big.eml"

for fmt in jsonl csv json; do
	for j in 1 2 3 8; do
		"$kaeru" parse --jobs $j --format $fmt "$corpus/maildir" >"$tmp/dir-$fmt-$j" 2>/dev/null
		"$kaeru" parse --jobs $j --format $fmt "$tmp/all.mbox" >"$tmp/mbox-$fmt-$j" 2>/dev/null
		"$kaeru" parse --jobs $j --format $fmt "$corpus/maildir/bsd" "$tmp/big.eml" \
		    "$tmp/all.mbox" >"$tmp/mix-$fmt-$j" 2>/dev/null
	done
	check "directory, $fmt" "$tmp"/dir-$fmt-*
	check "mbox, $fmt" "$tmp"/mbox-$fmt-*
	check "files, a large mail and an mbox, $fmt" "$tmp"/mix-$fmt-*
done
python3 "$(dirname "$0")/../bench/mkmail.py" big "$tmp/photos.eml" 3000000
sed 's/$/\r/' "$tmp/photos.eml" >"$tmp/photos-crlf.eml"
for m in photos photos-crlf; do
	"$kaeru" parse "$tmp/$m.eml" >"$tmp/$m-skip" 2>&1
	"$kaeru" parse - <"$tmp/$m.eml" | sed "s|\"origin\":\"-\"|\"origin\":\"$tmp/$m.eml\"|" >"$tmp/$m-stdin" 2>&1
	"$kaeru" parse --keep-attachments "$tmp/$m.eml" >"$tmp/$m-keep" 2>&1
	"$kaeru" parse --jobs 2 "$corpus/maildir/bsd" "$tmp/$m.eml" | tail -n 1 >"$tmp/$m-jobs" 2>&1
	check "a large bounce with photos ($m): attachments left out or kept" \
	    "$tmp/$m-skip" "$tmp/$m-stdin" "$tmp/$m-keep" "$tmp/$m-jobs"
	grep -q '"reason":"mailboxfull"' "$tmp/$m-skip" || { fail=$((fail + 1)); echo "FAIL: $m: no record"; }
	# A small --max-header cuts part headers: the elider reads them as cut too.
	"$kaeru" parse --max-header 40 "$tmp/$m.eml" >"$tmp/$m-h40" 2>&1
	"$kaeru" parse --max-header 40 --keep-attachments "$tmp/$m.eml" >"$tmp/$m-h40-keep" 2>&1
	check "$m with --max-header 40: attachments left out or kept" "$tmp/$m-h40" "$tmp/$m-h40-keep"
	# The same bounce inside an mbox, between corpus mails: past its first
	# MiB it is streamed through the elider, in one reader or in ranges.
	{ head -c 2000000 "$tmp/all.mbox"; printf '\n\nFrom MAILER-DAEMON Mon Jan  1 00:00:00 2001\n'
	  cat "$tmp/$m.eml"; printf '\n'; cat "$tmp/all.mbox"; } >"$tmp/$m.mbox"
	for j in 1 2; do
		"$kaeru" parse --jobs $j "$tmp/$m.mbox" >"$tmp/$m-mbox-skip-$j" 2>&1
		"$kaeru" parse --jobs $j --keep-attachments "$tmp/$m.mbox" >"$tmp/$m-mbox-keep-$j" 2>&1
	done
	check "a large bounce with photos in an mbox ($m): attachments left out or kept, 1 or 2 threads" \
	    "$tmp/$m-mbox-skip-1" "$tmp/$m-mbox-keep-1" "$tmp/$m-mbox-skip-2" "$tmp/$m-mbox-keep-2"
done

# Files of 4 MiB and more are split into ranges that the threads read
# themselves: an mbox of the corpus three times over (about 7 MB, so
# ranges of 1 MiB cut it everywhere), glued to the next by strict From_
# lines, and a single 5 MB mail. With a small --max-size some mails give
# an error instead of records: stdout and stderr together must come out
# in the same order for any --jobs.
cat "$tmp/all.mbox" "$tmp/all.mbox" "$tmp/all.mbox" >"$tmp/large.mbox"
python3 "$(dirname "$0")/../bench/mkmail.py" big "$tmp/large.eml" 5000000
for fmt in jsonl json csv; do
	for j in 1 2 3 8; do
		"$kaeru" parse --jobs $j --format $fmt "$tmp/large.mbox" "$tmp/large.eml" "$tmp/big.eml" \
		    >"$tmp/large-$fmt-$j" 2>/dev/null
		"$kaeru" parse --jobs $j --format $fmt --max-size 1500 "$tmp/big.eml" "$tmp/large.mbox" \
		    >"$tmp/cut-$fmt-$j" 2>&1
	done
	check "a large mbox and a large mail in ranges, $fmt" "$tmp"/large-$fmt-*
	check "a large mbox in ranges with errors among the records, $fmt" "$tmp"/cut-$fmt-*
done
# A pipe named on the command line (kaeru parse <(zcat x.gz)) is read as
# standard input is: the records of the file, for any --jobs (a writer
# that nobody opens for gives up after a minute, so a miss cannot hang).
mkfifo "$tmp/pipe"
"$kaeru" parse --jobs 1 "$tmp/all.mbox" >"$tmp/pipe-file" 2>&1
for j in 1 2; do
	timeout 60 sh -c 'cat "$1" >"$2"' sh "$tmp/all.mbox" "$tmp/pipe" &
	"$kaeru" parse --jobs $j "$tmp/pipe" 2>&1 | sed "s|$tmp/pipe|$tmp/all.mbox|g" >"$tmp/pipe-$j"
	wait
done
check "an mbox through a named pipe, as the file" "$tmp/pipe-file" "$tmp/pipe-1" "$tmp/pipe-2"
# A gzip'd mbox (a rotated spool) gives the records of the mbox, as a file
# for any --jobs and on standard input; one of 4 MiB and more (stored
# blocks, the size of the mbox) is not cut into ranges it cannot seek in.
gzip -c "$tmp/all.mbox" >"$tmp/all.mbox.gz"
python3 -c 'import gzip, sys; sys.stdout.buffer.write(gzip.compress(open(sys.argv[1], "rb").read(), compresslevel=0))' \
    "$tmp/large.mbox" >"$tmp/large.mbox.gz"
"$kaeru" parse --jobs 1 "$tmp/large.mbox" >"$tmp/gz-large-plain" 2>&1
for j in 1 2; do
	"$kaeru" parse --jobs $j "$tmp/all.mbox.gz" 2>&1 | sed "s|$tmp/all.mbox.gz|$tmp/all.mbox|g" >"$tmp/gz-$j"
	"$kaeru" parse --jobs $j "$tmp/large.mbox.gz" 2>&1 | sed "s|$tmp/large.mbox.gz|$tmp/large.mbox|g" >"$tmp/gz-large-$j"
done
"$kaeru" parse - <"$tmp/all.mbox.gz" 2>&1 | sed 's|"origin":"-"|"origin":"'"$tmp"'/all.mbox"|' >"$tmp/gz-stdin"
check "a gzip'd mbox, as the mbox" "$tmp/pipe-file" "$tmp/gz-1" "$tmp/gz-2" "$tmp/gz-stdin"
check "a gzip'd mbox of 4 MiB and more, as the mbox" "$tmp/gz-large-plain" "$tmp/gz-large-1" "$tmp/gz-large-2"
grep -q "limit was reached" "$tmp/cut-jsonl-2" || { fail=$((fail + 1)); echo "FAIL: --max-size 1500: no error line"; }
[ "$(grep -c '"reason"' "$tmp/large-jsonl-2")" -gt 1500 ] || { fail=$((fail + 1)); echo "FAIL: large mbox: too few records"; }
echo "jobs: $pass passed, $fail failed"
[ "$fail" = 0 ]
