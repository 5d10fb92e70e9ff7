#!/bin/busybox sh
# PID 1 of the test guest: loads the 9p modules, mounts the host's /usr, the repo and the result
# share, builds a small root (host binaries, tmpfs /etc) and runs the TypeScript driver under
# the host's node. vigil_mode (test|bench) comes from the kernel command line.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci 9pnet 9pnet_virtio netfs fscache 9p overlay; do
	insmod /modules/$m.ko || echo "init: insmod $m failed"
done
O=trans=virtio,version=9p2000.L,msize=512000
R=/newroot
mkdir -p $R
mount -t tmpfs tmpfs $R
mkdir -p $R/usr $R/proc $R/sys $R/dev $R/tmp $R/etc $R/repo $R/out $R/root
ln -s usr/bin $R/bin; ln -s usr/lib $R/lib; ln -s usr/lib64 $R/lib64; ln -s usr/sbin $R/sbin
mount -t 9p -o $O,ro usr $R/usr || echo "init: mount usr failed"
mount -t 9p -o $O,ro repo $R/repo || echo "init: mount repo failed"
mount -t 9p -o $O out $R/out || echo "init: mount out failed"
mount --bind /proc $R/proc
mount --bind /sys $R/sys
mount --bind /dev $R/dev
mount -t tmpfs tmpfs $R/tmp
mount -t cgroup2 none $R/sys/fs/cgroup
echo 'root:x:0:0:root:/root:/bin/sh' > $R/etc/passwd
echo 'root:x:0:' > $R/etc/group
echo 'root:$6$vigil$notarealhash:19000:0:99999:7:::' > $R/etc/shadow
chmod 0640 $R/etc/shadow
echo vigil-guest > $R/etc/hostname
echo '127.0.0.1 localhost' > $R/etc/hosts
ip link set lo up 2>/dev/null || ifconfig lo 127.0.0.1 up
echo "VIGIL-GUEST-START mode=$vigil_mode"
chroot $R /usr/bin/env -i PATH=/usr/bin:/usr/sbin HOME=/root TMPDIR=/tmp VIGIL_MODE="$vigil_mode" VIGIL_ONLY="$vigil_only" VIGIL_CYCLES="$vigil_cycles" VIGIL_BENCH_ROUNDS="$vigil_rounds" \
	/bin/sh -c 'cd /repo && exec /usr/bin/node --import tsx test/kmod/guest/main.ts'
echo "VIGIL-GUEST-DONE rc=$?"
sync
poweroff -f
