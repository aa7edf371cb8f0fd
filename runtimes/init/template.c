/* Template mode: see template.h. */
#define _GNU_SOURCE
#include "template.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/random.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cpio_unpack.h"
#include "files.h"
#include "fw_cfg.h"
#include "init_log.h"


int template_requested(void) {
  uint16_t select;
  uint32_t size;
  return fw_cfg_available() && fw_cfg_find("opt/ukc/template", &select, &size) == 0;
}

/* Mixes the host's random bytes into the input pool and reseeds the generator from it at once:
 * every later read (boot_id, getrandom, AT_RANDOM of the app) differs per instance. */
static void reseed(void) {
  uint32_t size = 0;
  char *seed = fw_cfg_read_file("opt/ukc/seed", &size);
  if (!seed || size == 0) {
    emit_error("template launch without opt/ukc/seed: the random generator is the template's");
    free(seed);
    return;
  }
  struct {
    int entropy_count;
    int buf_size;
    unsigned char buf[256];
  } pool;
  if (size > sizeof pool.buf) size = sizeof pool.buf;
  pool.entropy_count = (int)size * 8;
  pool.buf_size = (int)size;
  memcpy(pool.buf, seed, size);
  free(seed);
  int fd = open("/dev/urandom", O_RDWR | O_CLOEXEC);
  if (fd < 0 || ioctl(fd, RNDADDENTROPY, &pool) < 0 || ioctl(fd, RNDRESEEDCRNG) < 0) {
    emit_error("reseeding the random generator: %s", strerror(errno));
  }
  if (fd >= 0) close(fd);
  memset(&pool, 0, sizeof pool);
}

static void set_clock(void) {
  char *text = fw_cfg_read_file("opt/ukc/clock", NULL);
  if (!text) return;
  long long ns = atoll(text);
  free(text);
  struct timespec ts = {.tv_sec = (time_t)(ns / 1000000000LL), .tv_nsec = (long)(ns % 1000000000LL)};
  if (ns > 0 && clock_settime(CLOCK_REALTIME, &ts) < 0) {
    emit_error("setting the clock: %s", strerror(errno));
  }
}

static int import_parameters(void) {
  mkdir("/ukc", 0755);
  for (size_t i = 0; i < kLaunchParamCount; i++) {
    char name[64], path[64];
    snprintf(name, sizeof name, "opt/ukc/%s", kLaunchParams[i]);
    snprintf(path, sizeof path, "/ukc/%s", kLaunchParams[i]);
    unlink(path);
    uint32_t size = 0;
    char *data = fw_cfg_read_file(name, &size);
    if (!data) continue;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    ssize_t n = fd >= 0 ? write(fd, data, size) : -1;
    if (fd >= 0) close(fd);
    free(data);
    if (n < 0 || (uint32_t)n != size) {
      emit_error("cannot write %s", path);
      return -1;
    }
  }
  return 0;
}

static int unpack_app(long long *bytes) {
  uint32_t size = 0;
  unsigned char *app = (unsigned char *)fw_cfg_read_file("opt/ukc/app", &size);
  *bytes = app ? size : 0;
  if (!app) return 0; /* the image has no files of its own beyond the runtime */
  char error[256];
  int rc = cpio_unpack(app, size, error, sizeof error);
  free(app);
  if (rc < 0) emit_error("app files: %s", error);
  return rc;
}

int template_wait_and_import(void) {
  char line[160];
  snprintf(line, sizeof line, "{\"event\":\"template-ready\",\"uptime_ms\":%lld}", uptime_ms());
  emit_line(line);
  uint16_t select;
  uint32_t size;
  struct timespec tick = {0, 1000000}; /* 1 ms: the snapshot pauses us somewhere in this loop */
  while (fw_cfg_find("opt/ukc/launch", &select, &size) != 0) nanosleep(&tick, NULL);
  long long restored_at = uptime_ms();
  reseed();
  set_clock();
  if (import_parameters() < 0) return -1;
  long long app_bytes = 0;
  if (unpack_app(&app_bytes) < 0) return -1;
  snprintf(line, sizeof line,
           "{\"event\":\"restored\",\"app_bytes\":%lld,\"import_ms\":%lld,\"uptime_ms\":%lld}",
           app_bytes, uptime_ms() - restored_at, uptime_ms());
  emit_line(line);
  return 0;
}
