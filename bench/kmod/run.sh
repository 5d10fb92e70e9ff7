#!/bin/sh
# Guest benchmark of the capture module (see test/kmod/guest/bench.ts): boots the guest in bench
# mode and prints the results, which also land in bench/results/kmod.json.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
sh "$ROOT/test/kmod/run.sh" bench
mkdir -p "$ROOT/bench/results"
cp "$ROOT/test/kmod/.work/out/results.json" "$ROOT/bench/results/kmod.json"
cat "$ROOT/bench/results/kmod.json"
