#!/bin/sh
# Vigil agent entrypoint: build the kernel module for the running kernel from the host's headers
# (DKMS-style, at start, so one image fits every node), load it, then hand over to `vigil`.
#
# Environment:
#   VIGIL_LOAD_MODULE  true (default) to build and load; false when the module is managed elsewhere
#   VIGIL_MODULE_SRC   module source directory (default /usr/src/vigil)
#   VIGIL_BUILD_DIR    scratch directory for the build (default /tmp/vigil-kmod)
#   VIGIL_KERNEL_RELEASE  kernel release to build for (default: uname -r)
#   VIGIL_HEADER_DIRS  space-separated candidate header trees, in order (default below)
#   VIGIL_PROC_MODULES the loaded-modules list to check first (default /proc/modules)
set -eu

log() { echo "vigil-entrypoint: $*" >&2; }

release="${VIGIL_KERNEL_RELEASE:-$(uname -r)}"
src="${VIGIL_MODULE_SRC:-/usr/src/vigil}"
build="${VIGIL_BUILD_DIR:-/tmp/vigil-kmod}"
candidates="${VIGIL_HEADER_DIRS:-/lib/modules/$release/build /usr/src/linux-headers-$release}"

find_headers() {
  for d in $candidates; do
    if [ -f "$d/Makefile" ] && { [ -f "$d/include/generated/autoconf.h" ] || [ -f "$d/.config" ]; }; then
      echo "$d"; return 0
    fi
  done
  return 1
}

module_loaded() { grep -q '^vigil ' "${VIGIL_PROC_MODULES:-/proc/modules}" 2>/dev/null; }

load_module() {
  if module_loaded; then log "module vigil already loaded"; return 0; fi
  if ! kdir="$(find_headers)"; then
    log "error: no kernel headers for kernel $release."
    log "  looked in: $candidates"
    log "  install the headers on the node (Debian/Ubuntu: apt-get install linux-headers-$release;"
    log "  RHEL/Fedora: dnf install kernel-devel-$release) and mount /lib/modules and /usr/src"
    log "  from the host (the Helm chart does), or set VIGIL_LOAD_MODULE=false if the module is"
    log "  loaded by other means."
    exit 3
  fi
  log "building module for $release with headers in $kdir"
  rm -rf "$build" && mkdir -p "$build" && cp -r "$src"/. "$build"/
  if ! make -C "$kdir" M="$build" modules >"$build/build.log" 2>&1; then
    log "error: module build failed for kernel $release; last lines of $build/build.log:"
    tail -n 30 "$build/build.log" >&2
    exit 4
  fi
  if ! insmod "$build/vigil.ko"; then
    log "error: insmod failed for $build/vigil.ko (kernel $release): see dmesg on the node"
    exit 5
  fi
  log "module vigil loaded"
}

case "${VIGIL_LOAD_MODULE:-true}" in
  true|1|yes) load_module ;;
  false|0|no) log "module loading disabled (VIGIL_LOAD_MODULE=${VIGIL_LOAD_MODULE})" ;;
  *) log "error: VIGIL_LOAD_MODULE must be true or false, got '${VIGIL_LOAD_MODULE}'"; exit 2 ;;
esac

# The host's /dev is mounted at /host/dev: a privileged container's own /dev was copied when it
# started, before the module created /dev/vigil.
if [ -e /host/dev/vigil ] && [ ! -e /dev/vigil ]; then ln -s /host/dev/vigil /dev/vigil; fi

exec vigil "$@"
