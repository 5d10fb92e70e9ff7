#!/bin/sh
# Builds the module against the installed Debian headers, boots the matching Debian kernel
# under QEMU (TCG, 2 vCPUs) and runs the guest driver: `run.sh test` (scenarios and stress)
# or `run.sh bench`, or `run.sh record` (a capture of ordinary work for the benchmarks,
# test/kmod/guest/record.ts). Results: test/kmod/.work/out/{results.json,console.log}. Exit status is
# non-zero on any setup, build, boot or kernel-log failure (BUG/WARNING/Oops/Call Trace).
set -eu
MODE=${1:-test}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${VIGIL_KMOD_WORK:-$ROOT/test/kmod/.work}
OUT=$WORK/out
fail() { echo "kmod harness: $*" >&2; exit 1; }

KVER=$(sh "$ROOT/scripts/kmod/setup.sh" | sed -n 's/^KVER=//p') || fail "setup failed (apt or download); see messages above"
[ -n "$KVER" ] || fail "setup did not report a kernel version"
KDIR=$WORK/kernel-$KVER

echo "kmod harness: building vigil.ko for $KVER" >&2
make -s -C "$ROOT/kmod" KVER="$KVER" clean >/dev/null 2>&1 || true
make -C "$ROOT/kmod" KVER="$KVER" W=1 >"$WORK/build.log" 2>&1 || { cat "$WORK/build.log" >&2; fail "module build failed"; }
if grep -q "warning:" "$WORK/build.log"; then cat "$WORK/build.log" >&2; fail "module build has warnings"; fi

rm -rf "$OUT"; mkdir -p "$OUT"
# The guest sees the checkout read-only: the agent's bundle must be current before it boots.
node "$ROOT/bin/bundle.mjs" || fail "bundling the CLIs failed"
gcc -O2 -static -Wall -Werror -o "$OUT/helper" "$ROOT/test/kmod/guest/helper.c" || fail "helper build failed"
# A real module the guest has not loaded, for the agent mode's module-load attack; handed over
# through the result share because the kernel cache ($WORK) need not lie inside the repo share.
find "$KDIR/lib/modules" -name virtio_balloon.ko -exec cp {} "$OUT/spare-module.ko" \;

IR=$WORK/initramfs
rm -rf "$IR"; mkdir -p "$IR/bin" "$IR/modules" "$IR/proc" "$IR/sys" "$IR/dev" "$IR/newroot"
cp /bin/busybox "$IR/bin/busybox"
cp "$ROOT/test/kmod/guest/init.sh" "$IR/init"; chmod +x "$IR/init"
find "$KDIR/lib/modules" -name '*.ko' -exec cp {} "$IR/modules/" \;
(cd "$IR" && find . | cpio -o -H newc --quiet | gzip -1) >"$WORK/initramfs.cpio.gz"

echo "kmod harness: booting $KVER under QEMU (TCG, mode=$MODE)" >&2
set +e
# Console loglevel 5 shows KERN_WARNING/KERN_DEFAULT lines, which is where WARN(), Oops headers
# and every stack dump are printed (loglevel 4 hid them: a lockup showed no function). A soft
# lockup dumps every CPU's stack and panics, an Oops panics, a task blocked for 60 s dumps its
# stack and panics: with panic=-1 and -no-reboot the guest then stops at once instead of running
# into the outer timeout.
KDEBUG="loglevel=5 softlockup_all_cpu_backtrace=1 softlockup_panic=1 oops=panic hung_task_panic=1"
KDEBUG="$KDEBUG sysctl.kernel.hung_task_timeout_secs=60 sysctl.kernel.hung_task_all_cpu_backtrace=1"
# Single-threaded TCG (both vCPUs interleaved on one host thread), not MTTCG: under MTTCG a
# vCPU can keep running a stale translation of a kernel instruction that another vCPU has just
# live-patched. Every tracepoint or kprobe (un)registration patches kernel text with an INT3
# (text_poke_bp); a vCPU still executing the stale INT3 after the patch is done traps, the
# kernel sees the INT3 gone from memory ("removed right after we hit it"), rewinds and retries,
# forever: both CPUs in soft lockup at the patched site (syscall_trace_enter+0xe9 when the
# syscall tracepoints were flipped). Real CPUs serialize on the IPI the kernel sends after
# patching; QEMU's multi-threaded TCG did not here. See kmod/README.md (CI hang).
TCG=${VIGIL_KMOD_TCG:-single}
# The agent mode runs the rule compiler (assemblyscript) in the guest: it asks for more memory.
# record mode runs the workload for VIGIL_CYCLES seconds (default 60), then writes the capture
LIMIT=270
[ "$MODE" = record ] && LIMIT=$(( ${VIGIL_CYCLES:-60} + 300 ))
timeout "${VIGIL_KMOD_TIMEOUT:-$LIMIT}" qemu-system-x86_64 -accel tcg,thread=$TCG -cpu max -smp 2 -m ${VIGIL_KMOD_MEM:-1G} \
	-nographic -nodefaults -serial stdio -no-reboot \
	-kernel "$KDIR/vmlinuz" -initrd "$WORK/initramfs.cpio.gz" \
	-append "console=ttyS0 panic=-1 $KDEBUG vigil_mode=$MODE vigil_only=${VIGIL_ONLY:-} vigil_cycles=${VIGIL_CYCLES:-} vigil_rounds=${VIGIL_BENCH_ROUNDS:-}" \
	-virtfs local,path=/usr,mount_tag=usr,security_model=none,readonly=on \
	-virtfs local,path="$ROOT",mount_tag=repo,security_model=none,readonly=on \
	-virtfs local,path="$OUT",mount_tag=out,security_model=none \
	</dev/null >"$OUT/console.log" 2>&1
rc=$?
set -e
# What the guest was doing (its last progress lines) and the kernel's first complaint with the
# stack dumps that follow it, so a failure names the scenario and the function.
report() {
	echo "kmod harness: guest progress (last lines):" >&2
	grep -E "^(scenario|stress|bench|soak|VIGIL-)" "$OUT/console.log" | tail -n 8 | sed 's/^/  /' >&2
	first=$(grep -nE "BUG:|WARNING:|Oops|Call Trace|Kernel panic|blocked for more than|rcu: INFO" "$OUT/console.log" | head -n1 | cut -d: -f1)
	if [ -n "$first" ]; then
		echo "kmod harness: kernel log from its first complaint (line $first of $OUT/console.log):" >&2
		sed -n "$first,\$p" "$OUT/console.log" | grep -vE "^(scenario|stress|soak) " | head -n 150 >&2
	else
		tail -n 40 "$OUT/console.log" >&2
	fi
}
[ $rc -eq 124 ] && { report; fail "guest timed out"; }
if grep -qE "BUG:|WARNING:|Oops|Call Trace|Kernel panic|blocked for more than" "$OUT/console.log"; then report; fail "kernel reported a problem"; fi
grep -q "VIGIL-GUEST-DONE rc=0" "$OUT/console.log" || { report; tail -n 60 "$OUT/console.log" >&2; fail "guest driver failed"; }
echo "kmod harness: ok ($OUT)" >&2
