#!/bin/sh
# Installs what building the module and booting it in a guest needs, and fetches the kernel image
# that matches the installed headers. Safe to rerun: everything is cached under test/kmod/.work.
# Prints KVER=<version> on its last line.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${VIGIL_KMOD_WORK:-$ROOT/test/kmod/.work}
mkdir -p "$WORK"

need=""
command -v qemu-system-x86_64 >/dev/null 2>&1 || need="$need qemu-system-x86"
[ -x /bin/busybox ] || need="$need busybox-static"
command -v cpio >/dev/null 2>&1 || need="$need cpio"
ls -d /usr/src/linux-headers-*-amd64 >/dev/null 2>&1 || need="$need linux-headers-amd64"
command -v make >/dev/null 2>&1 || need="$need make"
command -v gcc >/dev/null 2>&1 || need="$need gcc"
command -v depmod >/dev/null 2>&1 || need="$need kmod"
if [ -n "$need" ]; then
	echo "setup: installing$need" >&2
	export DEBIAN_FRONTEND=noninteractive
	if [ ! -e "$WORK/.apt-updated" ]; then
		apt-get update -qq >&2 || { echo "setup: apt-get update failed" >&2; exit 2; }
		touch "$WORK/.apt-updated"
	fi
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $need >&2 || { echo "setup: apt-get install$need failed" >&2; exit 2; }
fi

# Newest installed headers directory decides KVER; the image must match it exactly (MODVERSIONS).
HDR=$(ls -d /usr/src/linux-headers-*-amd64 | sort -V | tail -n1)
KVER=${HDR#/usr/src/linux-headers-}
KDIR="$WORK/kernel-$KVER"
# The overlay module joined the list later: a cache without it is fetched again.
if [ ! -f "$KDIR/vmlinuz" ] || [ ! -d "$KDIR/lib/modules/$KVER/kernel/fs/overlayfs" ]; then
	echo "setup: fetching linux-image-$KVER-unsigned" >&2
	mkdir -p "$KDIR/deb"
	(cd "$KDIR/deb" && apt-get download "linux-image-$KVER-unsigned" >&2) ||
		{ echo "setup: apt-get download linux-image-$KVER-unsigned failed" >&2; exit 2; }
	DEB=$(ls "$KDIR"/deb/*.deb | head -n1)
	M=./lib/modules/$KVER/kernel
	# Only the kernel and the virtio/9p/overlay modules: about 10 MB instead of the whole package.
	dpkg-deb --fsys-tarfile "$DEB" | tar -x -C "$KDIR" --wildcards \
		"./boot/vmlinuz-$KVER" \
		"$M/drivers/virtio/*" "$M/net/9p/*" "$M/fs/9p/*" "$M/fs/netfs/*" "$M/fs/fscache/*" \
		"$M/fs/overlayfs/*" >&2 ||
		{ echo "setup: extracting $DEB failed" >&2; exit 2; }
	mv "$KDIR/boot/vmlinuz-$KVER" "$KDIR/vmlinuz"
	rm -rf "$KDIR/deb"
fi
echo "KVER=$KVER"
