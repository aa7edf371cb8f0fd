/*
 * QEMU fw_cfg through its x86 I/O ports (selector 0x510, data 0x511), without the kernel's
 * qemu_fw_cfg module: the module lists the files once, when it loads, and a guest restored from
 * a template must see the files of the QEMU that restored it, not those of the one that booted it.
 */
#ifndef UKC_INIT_FW_CFG_H
#define UKC_INIT_FW_CFG_H

#include <stddef.h>
#include <stdint.h>

/* Whether fw_cfg is there (port access granted, signature "QEMU"). Call before the others. */
int fw_cfg_available(void);
/* Looks `name` up in the file directory: 0 with its selector and size, -1 when absent. */
int fw_cfg_find(const char *name, uint16_t *select, uint32_t *size);
/* Reads a whole file into a malloc'd buffer (NUL-terminated, *size bytes); NULL when absent. */
char *fw_cfg_read_file(const char *name, uint32_t *size);

#endif
