#!/bin/sh
# Runs the guest test RUNS times while HOGS busy loops compete for the host's cores, the way CI
# runs it (2 cores, the rest of the suite beside it). Not part of npm test: it is the tool for
# reproducing a lockup before and after a fix. Prints one line per run and keeps every console
# log as $OUTDIR/run.N.console.
#   sh test/kmod/soak.sh [RUNS] [HOGS]          (defaults 4 and 2)
#   SOAK_MODE=soak VIGIL_CYCLES=60 sh test/kmod/soak.sh 3 2   (only the unload cycles, 60 per boot)
set -u
RUNS=${1:-4}
HOGS=${2:-2}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${VIGIL_KMOD_WORK:-$ROOT/test/kmod/.work}
OUTDIR=${SOAK_OUT:-$WORK/soak}
mkdir -p "$OUTDIR"
pids=""
stop() { for p in $pids; do kill "$p" 2>/dev/null; done; }
trap stop EXIT INT TERM
i=0
while [ $i -lt "$HOGS" ]; do
	sh -c 'while :; do :; done' &
	pids="$pids $!"
	i=$((i + 1))
done
pass=0
n=1
while [ $n -le "$RUNS" ]; do
	t0=$(date +%s)
	sh "$ROOT/test/kmod/run.sh" "${SOAK_MODE:-test}" >"$OUTDIR/run.$n.log" 2>&1
	rc=$?
	cp "$WORK/out/console.log" "$OUTDIR/run.$n.console" 2>/dev/null
	[ $rc -eq 0 ] && pass=$((pass + 1))
	echo "soak run $n/$RUNS hogs=$HOGS rc=$rc $(($(date +%s) - t0))s" | tee -a "$OUTDIR/summary"
	n=$((n + 1))
done
echo "soak: $pass of $RUNS passed with $HOGS busy loops" | tee -a "$OUTDIR/summary"
[ $pass -eq "$RUNS" ]
