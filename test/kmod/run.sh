#!/bin/sh
# Builds the module against the installed Debian headers, boots the matching Debian kernel
# under QEMU (TCG, 2 vCPUs) and runs the guest driver: `run.sh test` (scenarios and stress)
# or `run.sh bench`. Results: test/kmod/.work/out/{results.json,console.log}. Exit status is
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
gcc -O2 -static -Wall -Werror -o "$OUT/helper" "$ROOT/test/kmod/guest/helper.c" || fail "helper build failed"

IR=$WORK/initramfs
rm -rf "$IR"; mkdir -p "$IR/bin" "$IR/modules" "$IR/proc" "$IR/sys" "$IR/dev" "$IR/newroot"
cp /bin/busybox "$IR/bin/busybox"
cp "$ROOT/test/kmod/guest/init.sh" "$IR/init"; chmod +x "$IR/init"
find "$KDIR/lib/modules" -name '*.ko' -exec cp {} "$IR/modules/" \;
(cd "$IR" && find . | cpio -o -H newc --quiet | gzip -1) >"$WORK/initramfs.cpio.gz"

echo "kmod harness: booting $KVER under QEMU (TCG, mode=$MODE)" >&2
set +e
timeout "${VIGIL_KMOD_TIMEOUT:-270}" qemu-system-x86_64 -accel tcg,thread=multi -cpu max -smp 2 -m 1G \
	-nographic -nodefaults -serial stdio -no-reboot \
	-kernel "$KDIR/vmlinuz" -initrd "$WORK/initramfs.cpio.gz" \
	-append "console=ttyS0 panic=-1 loglevel=4 vigil_mode=$MODE vigil_only=${VIGIL_ONLY:-}" \
	-virtfs local,path=/usr,mount_tag=usr,security_model=none,readonly=on \
	-virtfs local,path="$ROOT",mount_tag=repo,security_model=none,readonly=on \
	-virtfs local,path="$OUT",mount_tag=out,security_model=none \
	</dev/null >"$OUT/console.log" 2>&1
rc=$?
set -e
[ $rc -eq 124 ] && { tail -n 40 "$OUT/console.log" >&2; fail "guest timed out"; }
if grep -nE "BUG:|WARNING:|Oops|Call Trace" "$OUT/console.log" >&2; then fail "kernel reported a problem (console.log above)"; fi
grep -q "VIGIL-GUEST-DONE rc=0" "$OUT/console.log" || { tail -n 60 "$OUT/console.log" >&2; fail "guest driver failed"; }
echo "kmod harness: ok ($OUT)" >&2
