/* fw_cfg over I/O ports: see fw_cfg.h. Layout from QEMU's docs/specs/fw_cfg.txt. */
#define _GNU_SOURCE
#include "fw_cfg.h"

#include <arpa/inet.h>
#include <endian.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mman.h>
#include <unistd.h>

#define FW_CFG_PORT_SELECTOR 0x510
#define FW_CFG_PORT_DATA 0x511
#define FW_CFG_PORT_DMA_HIGH 0x514 /* DMA address, big-endian; writing the low half starts it */
#define FW_CFG_PORT_DMA_LOW 0x518
#define FW_CFG_DMA_ERROR 0x01
#define FW_CFG_DMA_READ 0x02
#define FW_CFG_DMA_SELECT 0x08
#define PAGE 4096
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

static int dma_supported;

int fw_cfg_available(void) {
  static int state = -1;
  if (state >= 0) return state;
  state = 0;
  if (ioperm(FW_CFG_PORT_SELECTOR, 12, 1) != 0) return 0;
  char signature[4];
  select_entry(FW_CFG_SIGNATURE);
  read_data(signature, sizeof signature);
  state = memcmp(signature, "QEMU", 4) == 0;
  if (state) {
    /* With DMA, the DMA address register reads "QEMU CFG" (docs/specs/fw_cfg.txt). */
    uint32_t high = ntohl(inl(FW_CFG_PORT_DMA_HIGH)), low = ntohl(inl(FW_CFG_PORT_DMA_LOW));
    dma_supported = memcmp(&(uint64_t){htobe64(((uint64_t)high << 32) | low)}, "QEMU CFG", 8) == 0;
  }
  return state;
}

/* The guest-physical address of the page at `virt` (mapped and locked), from /proc/self/pagemap
 * (PID 1 has the CAP_SYS_ADMIN it takes); 0 when unknown. */
static uint64_t physical_address(int pagemap, const void *virt) {
  uint64_t entry = 0;
  off_t at = (off_t)((uintptr_t)virt / PAGE) * 8;
  if (pread(pagemap, &entry, sizeof entry, at) != sizeof entry) return 0;
  if (!(entry & (1ULL << 63))) return 0; /* not present */
  uint64_t pfn = entry & ((1ULL << 55) - 1);
  return pfn ? pfn * PAGE : 0;
}

struct dma_access {
  uint32_t control; /* big-endian */
  uint32_t length;  /* big-endian */
  uint64_t address; /* big-endian */
};

/* One DMA transfer described by `access` at guest-physical `access_phys`; 0 when it succeeded. */
static int dma_transfer(volatile struct dma_access *access, uint64_t access_phys) {
  outl(htonl((uint32_t)(access_phys >> 32)), FW_CFG_PORT_DMA_HIGH);
  outl(htonl((uint32_t)access_phys), FW_CFG_PORT_DMA_LOW); /* QEMU transfers right here */
  while (ntohl(access->control) & ~(uint32_t)FW_CFG_DMA_ERROR) {
  }
  return (ntohl(access->control) & FW_CFG_DMA_ERROR) ? -1 : 0;
}

/* Reads `size` bytes of entry `select` with DMA, a page at a time into locked pages whose
 * physical addresses pagemap tells; -1 (nothing usable read) when that is not possible. */
static int read_dma(uint16_t select, char *out, uint32_t size) {
  if (!dma_supported) return -1;
  int pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
  if (pagemap < 0) return -1;
  char *pages = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  int rc = -1;
  if (pages != MAP_FAILED && mlock(pages, 2 * PAGE) == 0) {
    volatile struct dma_access *access = (volatile struct dma_access *)pages;
    char *buffer = pages + PAGE;
    memset(pages, 0, 2 * PAGE); /* faults both pages in before their addresses are read */
    uint64_t access_phys = physical_address(pagemap, pages);
    uint64_t buffer_phys = physical_address(pagemap, buffer);
    rc = access_phys && buffer_phys ? 0 : -1;
    for (uint32_t done = 0; rc == 0 && done < size;) {
      uint32_t n = size - done < PAGE ? size - done : PAGE;
      uint32_t control = FW_CFG_DMA_READ | (done == 0 ? FW_CFG_DMA_SELECT | ((uint32_t)select << 16) : 0);
      access->control = htonl(control);
      access->length = htonl(n);
      access->address = htobe64(buffer_phys);
      rc = dma_transfer(access, access_phys);
      if (rc == 0) memcpy(out + done, buffer, n);
      done += n;
    }
  }
  if (pages != MAP_FAILED) munmap(pages, 2 * PAGE);
  close(pagemap);
  return rc;
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
  if (n < 4 * PAGE || read_dma(select, buf, n) != 0) { /* small, or no DMA: port reads */
    select_entry(select);
    read_data(buf, n);
  }
  buf[n] = 0;
  if (size) *size = n;
  return buf;
}
