// SPDX-License-Identifier: GPL-2.0
/*
 * Vigil capture module: syscall and scheduler tracepoints -> per-CPU rings of Vigil records
 * (schema/events.ts) -> /dev/vigil. See kmod/README.md for the device protocol.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include "vigil.h"

static unsigned int ring_kb = 1024;
module_param(ring_kb, uint, 0444);
MODULE_PARM_DESC(ring_kb, "per-CPU ring size in KiB, rounded up to a power of two (64..262144)");

static unsigned int snaplen = 80;
module_param(snaplen, uint, 0444);
MODULE_PARM_DESC(snaplen, "initial bytes of I/O data captured per event (0..4096)");

static int __init vigil_init(void)
{
	int err;

	vigil_snaplen = min_t(unsigned int, snaplen, VIGIL_SNAPLEN_MAX);
	err = vigil_rings_init(ring_kb);
	if (err)
		return err;
	err = vigil_scratch_init();
	if (err)
		goto free_rings;
	err = vigil_probes_register();
	if (err)
		goto free_scratch;
	err = vigil_device_register();
	if (err)
		goto unregister;
	pr_info("vigil: loaded, %u KiB ring per CPU\n", ring_kb);
	return 0;
unregister:
	vigil_probes_unregister();
free_scratch:
	vigil_scratch_free();
free_rings:
	vigil_rings_free();
	return err;
}

static void __exit vigil_exit(void)
{
	/* The device holds a module reference while open, so no reader remains here. */
	vigil_device_unregister();
	vigil_probes_unregister();
	vigil_scratch_free();
	vigil_rings_free();
	pr_info("vigil: unloaded\n");
}

module_init(vigil_init);
module_exit(vigil_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Vigil runtime security capture");
MODULE_AUTHOR("Vigil authors");
