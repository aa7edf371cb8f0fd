/* fw_cfg over I/O ports: see fw_cfg.h. Layout from QEMU's docs/specs/fw_cfg.txt. */
#include "fw_cfg.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>

#define FW_CFG_PORT_SELECTOR 0x510
#define FW_CFG_PORT_DATA 0x511
#define FW_CFG_SIGNATURE 0x0000
#define FW_CFG_FILE_DIR 0x0019
#define FW_CFG_MAX_FILES 4096

struct fw_cfg_file {
  uint32_t size;   /* big-endian */
  uint16_t select; /* big-endian */
  uint16_t reserved;
  char name[56];
};

static void select_entry(uint16_t key) { outw(key, FW_CFG_PORT_SELECTOR); }
static void read_data(void *buf, size_t n) { insb(FW_CFG_PORT_DATA, buf, n); }

int fw_cfg_available(void) {
  static int state = -1;
  if (state >= 0) return state;
  state = 0;
  if (ioperm(FW_CFG_PORT_SELECTOR, 2, 1) != 0) return 0;
  char signature[4];
  select_entry(FW_CFG_SIGNATURE);
  read_data(signature, sizeof signature);
  state = memcmp(signature, "QEMU", 4) == 0;
  return state;
}

int fw_cfg_find(const char *name, uint16_t *select, uint32_t *size) {
  if (!fw_cfg_available()) return -1;
  uint32_t count;
  select_entry(FW_CFG_FILE_DIR);
  read_data(&count, sizeof count);
  count = ntohl(count);
  if (count > FW_CFG_MAX_FILES) return -1; /* not a directory we can trust */
  for (uint32_t i = 0; i < count; i++) {
    struct fw_cfg_file f;
    read_data(&f, sizeof f);
    f.name[sizeof f.name - 1] = 0;
    if (strcmp(f.name, name) == 0) {
      *select = ntohs(f.select);
      *size = ntohl(f.size);
      return 0;
    }
  }
  return -1;
}

char *fw_cfg_read_file(const char *name, uint32_t *size) {
  uint16_t select;
  uint32_t n;
  if (fw_cfg_find(name, &select, &n) != 0) return NULL;
  char *buf = malloc((size_t)n + 1);
  if (!buf) return NULL;
  select_entry(select);
  read_data(buf, n);
  buf[n] = 0;
  if (size) *size = n;
  return buf;
}
