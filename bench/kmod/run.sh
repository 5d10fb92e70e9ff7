#!/bin/sh
# Guest benchmark of the capture module (see test/kmod/guest/bench.ts): boots the guest in bench
# mode, keeps the results in bench/results/kmod.json and prints them as a table.
# VIGIL_BENCH_ROUNDS (default 12) sets the interleaved rounds per syscall.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
VIGIL_KMOD_TIMEOUT=${VIGIL_KMOD_TIMEOUT:-900} sh "$ROOT/test/kmod/run.sh" bench
mkdir -p "$ROOT/bench/results"
cp "$ROOT/test/kmod/.work/out/results.json" "$ROOT/bench/results/kmod.json"
cd "$ROOT" && npx tsx bench/kmod/table.ts bench/results/kmod.json
