#!/bin/sh
# Runs the kernel's checkpatch.pl over kmod/*.c and kmod/*.h (not the generated vigil_schema.h).
# checkpatch is not in the headers package; it is taken once from Debian's linux-source package
# (only scripts/checkpatch.pl and its two data files are kept, under test/kmod/.work/checkpatch).
# Exit status is checkpatch's: non-zero on any error or warning.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${VIGIL_KMOD_WORK:-$ROOT/test/kmod/.work}
CP=$WORK/checkpatch
command -v perl >/dev/null 2>&1 || { apt-get install -y -qq --no-install-recommends perl >&2; }
if [ ! -x "$CP/scripts/checkpatch.pl" ]; then
	echo "checkpatch: fetching linux-source (once; about 140 MB, only 3 files kept)" >&2
	mkdir -p "$CP/deb"
	if [ ! -e "$WORK/.apt-updated" ]; then apt-get update -qq >&2 && touch "$WORK/.apt-updated"; fi
	PKG=$(apt-cache depends linux-source 2>/dev/null | sed -n 's/.*Depends: \(linux-source-[0-9.]*\)$/\1/p' | head -n1)
	(cd "$CP/deb" && apt-get download "${PKG:-linux-source-6.1}" >&2)
	DEB=$(ls "$CP"/deb/*.deb | head -n1)
	TARXZ=$(dpkg-deb -c "$DEB" | awk '{print $6}' | grep -E '/usr/src/linux-source-[0-9.]+\.tar\.xz$' | head -n1)
	DIR=$(basename "$TARXZ" .tar.xz)
	dpkg-deb --fsys-tarfile "$DEB" | tar -xO "$TARXZ" | xz -dc |
		tar -x -C "$CP" --strip-components=1 \
			"$DIR/scripts/checkpatch.pl" "$DIR/scripts/spelling.txt" "$DIR/scripts/const_structs.checkpatch"
	rm -rf "$CP/deb"
	chmod +x "$CP/scripts/checkpatch.pl"
fi
cd "$ROOT/kmod"
FILES=$(ls *.c *.h | grep -v '^vigil_schema.h$' | grep -v '\.mod\.c$')
# --no-tree: an out-of-tree module; the strict set is checkpatch's own defaults.
# shellcheck disable=SC2086
perl "$CP/scripts/checkpatch.pl" --no-tree --terse --show-types --max-line-length=100 -f $FILES
