#!/bin/sh
# run.sh - kaeru's benchmarks, one readable report ("make bench").
#
#   sh bench/run.sh [DIR...]       DIR: corpus directories of mail files
#                                  (default ../shared/corpus/maildir/bsd)
# Environment:
#   BUILD=build            the release build to measure
#   BENCH_SECONDS=3        wall time of each in-memory loop
#   BENCH_MB=100           size of the end-to-end mbox
#   PEER_SECONDS=3         minimum wall time of each peer (one round at least)
#   PEERS=1                0 skips Sisimai and BounceParser
#   BENCH_GB=0             N > 0 also measures peak RSS over an N GB mbox
#
# Generated inputs go to bench/out/ (not committed). Figures only: nothing
# here passes or fails on speed.
set -eu
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-build}
BENCH_SECONDS=${BENCH_SECONDS:-3}
BENCH_MB=${BENCH_MB:-100}
PEER_SECONDS=${PEER_SECONDS:-3}
PEERS=${PEERS:-1}
OUT=$SRC/bench/out
KAERU=$SRC/$BUILD/src/kaeru
BP=$SRC/$BUILD/bench/bench_parse
TIMED=$SRC/$BUILD/bench/timed
[ $# -gt 0 ] || set -- "$SRC/../shared/corpus/maildir/bsd"
mkdir -p "$OUT"
for f in "$KAERU" "$BP" "$TIMED"; do
	[ -x "$f" ] || { echo "run.sh: $f missing; run make first" >&2; exit 2; }
done

# timed [-c CPU] [-n RUNS] CMD... - run CMD (stdout to /dev/null) through
# bench/timed, which times the process itself from spawn to exit; sets
# t_best t_mean (ms, with decimals), t_user t_sys (ms) and t_rss (KiB).
# Timing with date(1) around the command would add two more process starts.
timed() {
	"$TIMED" -o "$OUT/timed.txt" "$@" >/dev/null || true
	read -r t_best t_mean t_user t_sys t_rss t_status <"$OUT/timed.txt"
}
# cached FILE - put FILE in the page cache the way reading it from disk does:
# its cached pages are dropped (dd iflag=nocache), then it is read once, so
# readahead caches it in large folios. A file just written by small writes
# (mkmail.py, cat >>) sits in single pages, and read() then spent twice as
# long in the kernel (100 MB: 19 ms against 8 ms here, bench/README).
cached() {
	dd if="$1" iflag=nocache count=0 status=none 2>/dev/null || true
	cat "$1" >/dev/null
}
# rate N MS - N per second over MS milliseconds, rounded
rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f", n * 1000 / t }'; }
# ratio A B - A/B with one decimal; ratio2 with two
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "-" }'; }
ratio2() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

nfiles=0
for d in "$@"; do
	nfiles=$((nfiles + $(find "$d" -maxdepth 1 -type f | wc -l)))
done

echo "kaeru benchmarks  $(date -u +%Y-%m-%dT%H:%MZ)"
echo "machine: $(nproc) cores, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)"
echo "$("$KAERU" --version 2>/dev/null | head -1), built with $(cc --version | head -1)"
echo "corpus: $* ($nfiles files)"
echo

echo "== 1. in memory, one parser, one core (bench_parse, ${BENCH_SECONDS}s each loop)"
set -- $("$BP" -q -t "$BENCH_SECONDS" "$@") "$@"
mem_msgs=$4; mem_mbs=$5; floor_mbs=$6
printf '   parse+classify   %8s msgs/s  %7s MB/s  (%s mails, %s bytes, %s records, %s us/mail)\n' "$4" "$5" "$1" "$2" "$3" "$7"
printf '   floor (read once)          %7s MB/s  floor/parse %sx\n' "$6" "$(ratio "$6" "$5")"
shift 7
ncpu=$(nproc)
pin1=""	# --jobs 1 runs on the fastest core, when there is a choice
pin1c=""	# ... and the same as options of bench/timed
if [ "$ncpu" -gt 1 ] && command -v taskset >/dev/null 2>&1; then
	# The machine's own ceiling for --jobs: each core alone, then all at
	# once (virtual cores need not be equal, nor add up).
	best=0
	bestc=0
	c=0
	while [ $c -lt "$ncpu" ]; do
		r=$(taskset -c $c "$BP" -q -t 2 "$@" | awk '{ print $4 }')
		printf '   core %d alone     %8s msgs/s\n' $c "$r"
		if [ "$r" -gt "$best" ]; then best=$r; bestc=$c; fi
		c=$((c + 1))
	done
	c=0
	while [ $c -lt "$ncpu" ]; do
		taskset -c $c "$BP" -q -t 2 "$@" >"$OUT/core$c.txt" &
		c=$((c + 1))
	done
	wait
	sum=$(cat "$OUT"/core*.txt | awk '{ s += $4 } END { print s }')
	rm -f "$OUT"/core*.txt
	pin1="taskset -c $bestc"
	pin1c="-c $bestc"
	printf '   all %d at once   %8s msgs/s in sum: %sx the fastest core alone (parsing alone; part 2 has the bar for --jobs %d)\n' \
	    "$ncpu" "$sum" "$(ratio2 "$sum" "$best")" "$ncpu"
fi
# Each mail parsed twice in a row, the second timed: the parser's work
# with caches and branch predictors trained on that mail (bench_parse -w).
set -- $($pin1 "$BP" -q -w -t 2 "$@") "$@"
printf '   warm, same mail again %8s msgs/s  (%s us/mail; %sx the cold rate %s)\n' "$4" "$7" \
    "$(ratio "$4" "${best:-$mem_msgs}")" "$([ -n "$pin1" ] && echo "of that core" || echo "above")"
shift 7
# The same, with 1 MB (the L2) written in between (bench_parse -e): L1 and L2
# cold again, the branch predictors still trained on the mail.
set -- $($pin1 "$BP" -q -w -e 1024 -t 2 "$@") "$@"
printf '   ... 1 MB written between %5s msgs/s  (%s us/mail: L1 and L2 cold, predictors trained)\n' "$4" "$7"
shift 7
echo

echo "== 2. end to end: kaeru parse --format jsonl (wall time of the process, from spawn to exit)"
timed -n 20 /bin/true
printf '   process start    %8s ms    (bench/timed running /bin/true: the best of 20; mean %s ms)\n' "$t_best" "$t_mean"
timed -n 10 "$KAERU" parse --format jsonl "$@"
dir_msgs=$(rate "$nfiles" "$t_mean")
printf '   corpus files     %8s msgs/s  (%d files, mean of 10 runs: %s ms; best %s ms)\n' "$dir_msgs" "$nfiles" "$t_mean" "$t_best"
if [ ! -s "$OUT/big.mbox" ] || [ "$(cat "$OUT/big.mbox.mb" 2>/dev/null)" != "$BENCH_MB" ]; then
	python3 "$SRC/bench/mkmail.py" mbox "$OUT/big.mbox" "$BENCH_MB" "$@" >"$OUT/big.mbox.count"
	echo "$BENCH_MB" >"$OUT/big.mbox.mb"
fi
nbig=$(cat "$OUT/big.mbox.count")
bigsize=$(wc -c <"$OUT/big.mbox")
cached "$OUT/big.mbox"
for j in 1 "$ncpu"; do
	pin=""
	[ "$j" = 1 ] && pin=$pin1c
	timed $pin -n 3 "$KAERU" parse --jobs "$j" --format jsonl "$OUT/big.mbox"
	r=$(rate "$nbig" "$t_best")
	printf '   %d MB mbox, --jobs %d %8s msgs/s  %7s MB/s  (%d mails: best of 3 %s ms, mean %s ms; user %s ms, sys %s ms; peak RSS %s KiB)\n' \
	    "$((bigsize / 1000000))" "$j" "$r" \
	    "$(awk -v s="$bigsize" -v t="$t_best" 'BEGIN { printf "%.1f", s / t / 1000 }')" "$nbig" \
	    "$t_best" "$t_mean" "$t_user" "$t_sys" "$t_rss"
	if [ "$j" = 1 ]; then one=$r; else mbox_msgs=$r; fi
done
[ "$ncpu" -gt 1 ] || mbox_msgs=$one
printf '   --jobs %d / --jobs 1: %sx%s\n' "$ncpu" "$(ratio2 "$mbox_msgs" "$one")" \
    "${pin1:+ (--jobs 1 on the fastest core)}"
if [ "$ncpu" -gt 1 ] && [ -n "$pin1c" ]; then
	# The machine's own bar for --jobs N: N processes of --jobs 1, one
	# pinned to each core, each over an mbox of 1/N the size, all at once.
	# Streaming a file costs what part 1b's loop does not (the kernel's
	# copy, caches filled with new mail on every core), so this is the
	# fair comparison. A static split waits for the slowest core, which
	# --jobs N does not (threads take 1 MiB ranges as they go), so with
	# unequal cores --jobs N can pass it.
	part=$((BENCH_MB / ncpu))
	[ "$part" -gt 0 ] || part=1
	if [ ! -s "$OUT/part.mbox" ] || [ "$(cat "$OUT/part.mbox.mb" 2>/dev/null)" != "$part" ]; then
		python3 "$SRC/bench/mkmail.py" mbox "$OUT/part.mbox" "$part" "$@" >"$OUT/part.mbox.count"
		echo "$part" >"$OUT/part.mbox.mb"
	fi
	npart=$(cat "$OUT/part.mbox.count")
	cached "$OUT/part.mbox"
	c=0
	while [ $c -lt "$ncpu" ]; do
		"$TIMED" -c $c -o "$OUT/part$c.txt" "$KAERU" parse --jobs 1 --format jsonl "$OUT/part.mbox" >/dev/null &
		c=$((c + 1))
	done
	wait
	slowest=$(cat "$OUT"/part[0-9]*.txt | awk '$1 > m { m = $1 } END { print m }')
	rm -f "$OUT"/part[0-9]*.txt
	r=$(rate "$((npart * ncpu))" "$slowest")
	printf '   %d x --jobs 1 at once %6s msgs/s  (one per core, each over %d MB: the slowest %s ms; %sx --jobs 1: the bar for --jobs %d)\n' \
	    "$ncpu" "$r" "$part" "$slowest" "$(ratio2 "$r" "$one")" "$ncpu"
fi
# The same mbox gzip'd (a rotated spool), which the reader decompresses
# (zlib) as it reads; gzip -dc alone over it says what decompressing costs.
if [ ! -s "$OUT/big.mbox.gz" ] || [ "$OUT/big.mbox.gz" -ot "$OUT/big.mbox" ]; then
	gzip -c "$OUT/big.mbox" >"$OUT/big.mbox.gz"
fi
cached "$OUT/big.mbox.gz"
timed -n 3 gzip -dc "$OUT/big.mbox.gz"
gunzip_ms=$t_best
for j in 1 "$ncpu"; do
	pin=""
	[ "$j" = 1 ] && pin=$pin1c
	timed $pin -n 3 "$KAERU" parse --jobs "$j" --format jsonl "$OUT/big.mbox.gz"
	printf '   the same gzip'"'"'d, --jobs %d %6s msgs/s  (%d MB of gzip: best of 3 %s ms; gzip -dc alone %s ms)\n' \
	    "$j" "$(rate "$nbig" "$t_best")" "$(($(wc -c <"$OUT/big.mbox.gz") / 1000000))" "$t_best" "$gunzip_ms"
done
if [ "${BENCH_GB:-0}" -gt 0 ]; then
	# Peak memory over a mbox of BENCH_GB GB: the 100 MB one repeated.
	reps=$((BENCH_GB * 1000000000 / bigsize + 1))
	i=0
	: >"$OUT/huge.mbox"
	while [ $i -lt $reps ]; do cat "$OUT/big.mbox" >>"$OUT/huge.mbox"; i=$((i + 1)); done
	cached "$OUT/huge.mbox"
	timed "$KAERU" parse --format jsonl "$OUT/huge.mbox"
	printf '   %d MB mbox       %8s msgs/s  peak RSS %s KiB  (%s ms)\n' "$(($(wc -c <"$OUT/huge.mbox") / 1000000))" \
	    "$(rate "$((nbig * reps))" "$t_best")" "$t_rss" "$t_best"
	rm -f "$OUT/huge.mbox"
fi
echo

echo "== 3. peers over the same files (Debian's Perl modules, ${PEER_SECONDS}s at least)"
if [ "$PEERS" = 1 ]; then
	for pkg in libsisimai-perl libmail-deliverystatus-bounceparser-perl; do
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || {
			echo "   installing $pkg"
			SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
			DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$pkg" >/dev/null
		}
	done
	for peer in sisimai bounceparser; do
		set -- $(perl "$SRC/bench/peer_$peer.pl" "$PEER_SECONDS" "$@" 2>/dev/null) "$@"
		printf '   %-12s %-8s %8s msgs/s  (%s records from %s mails; kaeru/%s: %sx in memory, %sx end to end)\n' \
		    "$1" "$2" "$7" "$4" "$3" "$1" "$(ratio "$mem_msgs" "$7")" "$(ratio "$dir_msgs" "$7")"
		shift 7
	done
else
	echo "   skipped (PEERS=0)"
fi
echo

echo "== 4. one large mail: a bounce returning base64 images"
for s in 150000 1500000 15000000; do
	[ -s "$OUT/big-$s.eml" ] || python3 "$SRC/bench/mkmail.py" big "$OUT/big-$s.eml" "$s"
done
cached "$OUT/big-15000000.eml"
timed -n 5 "$KAERU" parse --format jsonl "$OUT/big-15000000.eml"
printf '   15 MB mail, kaeru parse: %s ms per run (mean of 5, best %s ms; process start and reading included)\n' "$t_mean" "$t_best"
# The same mail read whole (--keep-attachments; the library's default):
# into one buffer of its size, since a mapped file cut under the reader
# raised SIGBUS.
timed -n 5 "$KAERU" parse --keep-attachments --format jsonl "$OUT/big-15000000.eml"
printf '   ... --keep-attachments:  %s ms per run (mean of 5, best %s ms; read whole, not elided)\n' "$t_mean" "$t_best"
# The same bounce inside an mbox, between the corpus mails: past its first
# MiB it is streamed through the elider as it is read (one reader).
if [ ! -s "$OUT/photo.mbox" ]; then
	{ head -c 20000000 "$OUT/big.mbox"; printf '\n\nFrom MAILER-DAEMON Mon Jan  1 00:00:00 2001\n'
	  cat "$OUT/big-15000000.eml"; printf '\n'; head -c 20000000 "$OUT/big.mbox"; } >"$OUT/photo.mbox"
fi
cached "$OUT/photo.mbox"
timed -n 3 "$KAERU" parse --jobs 1 --format jsonl "$OUT/photo.mbox"
pr_skip=$t_rss; pt_skip=$t_best
timed -n 3 "$KAERU" parse --jobs 1 --keep-attachments --format jsonl "$OUT/photo.mbox"
printf '   ... inside an mbox (%s MB, --jobs 1): peak RSS %s KiB (%s ms); --keep-attachments %s KiB (%s ms)\n' \
    "$(($(wc -c <"$OUT/photo.mbox") / 1000000))" "$pr_skip" "$pt_skip" "$t_rss" "$t_best"
base=""
for s in 150000 1500000 15000000; do
	set -- $("$BP" -q -t 1 "$OUT/big-$s.eml")
	[ -n "$base" ] || base=$7
	printf '   %5s KB in memory: %10s us per mail  (%sx the 1x time, %s MB/s)\n' "$(($2 / 1000))" "$7" \
	    "$(ratio "$7" "$base")" "$5"
done
# Time at 15 MB also pays for a mail that no longer fits a core's L2, and
# moves with the machine; the instructions the parser runs do not.
if command -v valgrind >/dev/null 2>&1; then
	prev=""
	for s in 150000 1500000 15000000; do
		n=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect=kaeru_parser_parse \
		    "$BP" -q -p -n 1 "$OUT/big-$s.eml" 2>&1 | sed -n 's/.*Collected : *//p')
		n=$((n / 2))	# the warm-up parse and one round
		printf '   %5s KB: %10s instructions per parse (callgrind)%s\n' "$((s / 1000))" "$n" \
		    "${prev:+  ($(ratio "$n" "$prev")x those at a tenth of the size)}"
		prev=$n
	done
fi
