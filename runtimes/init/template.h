/*
 * Template mode. ukc-emu boots a kernel + runtime once with the fw_cfg file opt/ukc/template,
 * lets ukc-init do everything that is the same for every instance, and snapshots the VM when
 * ukc-init reports {"event":"template-ready"}. Each launch restores that snapshot in a QEMU whose
 * fw_cfg carries opt/ukc/launch and the instance's files: ukc-init notices them, takes the launch
 * parameters (as /ukc/<name>), fresh entropy (opt/ukc/seed: the kernel's random generator is
 * reseeded, so boot ids and random bytes differ per instance), the wall clock (opt/ukc/clock,
 * unix nanoseconds) and the app's files (opt/ukc/app, newc cpio), then starts the app as after a
 * boot. It reads fw_cfg through the I/O ports (fw_cfg.h), never through the kernel module.
 */
#ifndef UKC_INIT_TEMPLATE_H
#define UKC_INIT_TEMPLATE_H

/* Whether this boot makes a template (fw_cfg file opt/ukc/template). */
int template_requested(void);
/* Reports template-ready, then waits (the snapshot is taken meanwhile) until the VM runs in a
 * QEMU that names a launch; imports that launch. Returns 0, or -1 if the launch is unusable. */
int template_wait_and_import(void);

#endif
