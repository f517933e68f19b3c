#!/bin/sh
# run.sh - run every libFuzzer target for a while ("make fuzz").
#
#   sh fuzz/run.sh BUILD-FUZZ SECONDS CORPUS [target...]
#
# FUZZ_FLAGS adds libFuzzer flags (e.g. -entropic=0, which trades the
# entropic scheduler's bookkeeping for speed on a large working corpus).
# FUZZ_RUNS stops each target after that many executions (SECONDS still
# bounds it). FUZZ_WORKERS=N runs N fuzzers per target at once, one per
# core, over the same working corpus (each adds what it finds there and
# reads the others' finds when it starts); their executions are summed,
# and FUZZ_RUNS is shared among them. The logs are BUILD-FUZZ/artifacts/
# <target>.log (and .log.2, .log.3, ... for the other workers).
#
# Seeds are made from CORPUS (fuzz/seeds.py) into BUILD-FUZZ/seeds; the
# growing working corpus lives in BUILD-FUZZ/work/<target> (FUZZ_WORK=DIR
# puts it in DIR/<target>, so that a build made with other options, such
# as -Dfuzz_trace_cmp=false, goes on from the corpus grown by another) and
# is kept between runs; crashes, leaks and timeouts land in
# BUILD-FUZZ/artifacts/<target>/. A finding fixed in src/ is copied to
# fuzz/corpora/<target>/ so that "make check" replays it for ever.
#
# A working corpus that has grown past FUZZ_MAX_FILES inputs (20000) is
# first minimised (libFuzzer's -merge=1: the inputs that keep every
# feature, smallest first) into a new directory that then replaces it;
# libFuzzer reads a whole working corpus into memory before it starts,
# and one of 133,000 inputs (1.1 GB) ran out of memory while loading.
#
# After fuzzing, every input of the working corpus is replayed once and
# the slowest is reported: the hang check at 100 ms (libFuzzer's own
# -timeout counts whole seconds).
set -u
B=${1:-build-fuzz}
SECS=${2:-60}
CORPUS=${3:-../shared/corpus}
shift 3 2>/dev/null || shift $#
TARGETS=${*:-message mime decode charset dsn address mbox csv explain addrkey}
SRC=$(cd "$(dirname "$0")" && pwd)
SLOW_MS=${SLOW_MS:-100}
WORK=${FUZZ_WORK:-$B/work}

# KEEP_SEEDS=1 reuses the seeds of an earlier run (parallel runs share them).
if [ "${KEEP_SEEDS:-0}" != 1 ] || [ ! -d "$B/seeds" ]; then
	python3 "$SRC/seeds.py" "$CORPUS" "$B/seeds" || exit 1
fi
# Returning freed memory to the OS (madvise) stalls for seconds on some
# virtual machines and shows up as false timeouts: keep it.
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1:allocator_release_to_os_interval_ms=-1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
status=0
for t in $TARGETS; do
	name=fuzz_$t
	case $t in
	message|mime|mbox) maxlen=${MAX_LEN:-32768} ;;
	dsn|charset|decode) maxlen=16384 ;;
	explain|addrkey) maxlen=600 ;;
	*) maxlen=16384 ;;
	esac
	mkdir -p "$WORK/$name" "$B/artifacts/$name" "$SRC/corpora/$name"
	log="$B/artifacts/$name.log"
	nwork=$(find "$WORK/$name" -type f | wc -l)
	if [ "$nwork" -gt "${FUZZ_MAX_FILES:-20000}" ]; then
		rm -rf "$WORK/$name.min"
		mkdir -p "$WORK/$name.min"
		if "$B/fuzz/$name" -merge=1 -timeout=5 -rss_limit_mb=4096 -max_len=$maxlen \
			"$WORK/$name.min" "$WORK/$name" >"$log.merge" 2>&1; then
			rm -rf "$WORK/$name"
			mv "$WORK/$name.min" "$WORK/$name"
			printf '%-14s working corpus minimised: %d -> %d inputs\n' "$name" "$nwork" \
				"$(find "$WORK/$name" -type f | wc -l)"
		else
			rm -rf "$WORK/$name.min"
			printf '%-14s minimising the working corpus failed (%s)\n' "$name" "$log.merge"
			status=1
			continue
		fi
	fi
	workers=${FUZZ_WORKERS:-1}
	runs=
	if [ -n "${FUZZ_RUNS:-}" ]; then
		runs="-runs=$(( (FUZZ_RUNS + workers - 1) / workers ))"
	fi
	logs=
	pids=
	w=1
	while [ "$w" -le "$workers" ]; do
		lw=$log
		[ "$w" -gt 1 ] && lw=$log.$w
		logs="$logs $lw"
		"$B/fuzz/$name" -max_total_time="$SECS" -timeout=1 -rss_limit_mb=2048 \
			-max_len=$maxlen -print_final_stats=1 $runs ${FUZZ_FLAGS:-} \
			-artifact_prefix="$B/artifacts/$name/" \
			"$WORK/$name" "$B/seeds/$name" "$SRC/corpora/$name" >"$lw" 2>&1 &
		pids="$pids $!"
		w=$((w + 1))
	done
	# Each worker's status: the target fails when one of them did.
	rc=0
	for pid in $pids; do
		wait "$pid" || rc=$?
	done
	# shellcheck disable=SC2086
	execs=$(cat $logs | sed -n 's/^stat::number_of_executed_units: *//p' | awk '{s += $1} END {print s}')
	# shellcheck disable=SC2086
	rate=$(cat $logs | sed -n 's/^stat::average_exec_per_sec: *//p' | awk '{s += $1} END {print s}')
	# shellcheck disable=SC2086
	cov=$(cat $logs | grep -o 'cov: [0-9]*' | sort -k2 -n | tail -1)
	# Hang check: replay the working corpus once, report the slowest input.
	slow=$(find "$WORK/$name" -type f | xargs -r "$B/fuzz/$name" -runs=1 2>&1 |
		sed -n 's/^Executed \(.*\) in \([0-9]*\) ms$/\2 \1/p' | sort -n | tail -1)
	printf '%-14s rc=%d execs=%s (%s/s) %s slowest=%s ms\n' "$name" "$rc" \
		"${execs:-?}" "${rate:-?}" "${cov:-}" "${slow%% *}"
	if [ "$rc" -ne 0 ]; then
		status=1
		# shellcheck disable=SC2086
		cat $logs | grep -E '^(==[0-9]+==ERROR|SUMMARY|.*invariant failed|.*runtime error)' | head -5
		ls "$B/artifacts/$name/" | head -5
	fi
	if [ -n "$slow" ] && [ "${slow%% *}" -gt "$SLOW_MS" ]; then
		echo "  slow input (> $SLOW_MS ms): ${slow#* }"
	fi
done
exit $status
