/* Small file helpers of ukc-init: see files.h. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"
#include "init_log.h"

/* Reads a whole file; returns malloc'd buffer (NUL-terminated, *len = bytes) or NULL. */
const char *const kLaunchParams[] = {"argv", "env", "cwd", "net", "stop_timeout_ms", "ports"};
const size_t kLaunchParamCount = sizeof kLaunchParams / sizeof kLaunchParams[0];

char *read_file(const char *path, size_t *len) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NULL;
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap + 1);
  for (;;) {
    if (n == cap) {
      cap *= 2;
      buf = realloc(buf, cap + 1);
    }
    ssize_t r = read(fd, buf + n, cap - n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    n += (size_t)r;
  }
  close(fd);
  buf[n] = 0;
  if (len) *len = n;
  return buf;
}

/* Splits a NUL-separated buffer into a NULL-terminated vector (trailing NUL optional, empty items dropped). */
char **split_nul(char *buf, size_t len, size_t *count) {
  size_t cap = 8, n = 0;
  char **v = malloc(cap * sizeof *v);
  size_t i = 0;
  while (i < len) {
    char *item = buf + i;
    size_t l = strnlen(item, len - i);
    if (l > 0) {
      if (n + 2 > cap) {
        cap *= 2;
        v = realloc(v, cap * sizeof *v);
      }
      v[n++] = item;
    }
    i += l + 1;
  }
  v[n] = NULL;
  if (count) *count = n;
  return v;
}

void mkdir_p(const char *path, mode_t mode) {
  char tmp[256];
  snprintf(tmp, sizeof tmp, "%s", path);
  for (char *p = tmp + 1; *p; p++) {
    if (*p == '/') {
      *p = 0;
      mkdir(tmp, mode);
      *p = '/';
    }
  }
  mkdir(tmp, mode);
}

void write_file(const char *path, const char *content) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    emit_error("open %s: %s", path, strerror(errno));
    return;
  }
  ssize_t w = write(fd, content, strlen(content));
  (void)w;
  close(fd);
}
