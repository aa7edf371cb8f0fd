/* Console reports of ukc-init: see init_log.h. */
#define _GNU_SOURCE
#include "init_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

long long uptime_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_BOOTTIME, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One write() per line so lines from init never interleave with each other. */
void emit_line(const char *json) {
  char buf[1024];
  int n = snprintf(buf, sizeof buf, "ukc-init: %s\n", json);
  if (n < 0) return;
  if (n >= (int)sizeof buf) {
    n = sizeof buf - 1;
    buf[n - 1] = '\n';
  }
  ssize_t w = write(STDOUT_FILENO, buf, (size_t)n);
  (void)w;
}

void emit_error(const char *fmt, ...) {
  char msg[512], esc[800], json[900];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  size_t j = 0;
  for (const unsigned char *p = (const unsigned char *)msg; *p && j + 7 < sizeof esc; p++) {
    if (*p == '"' || *p == '\\') {
      esc[j++] = '\\';
      esc[j++] = (char)*p;
    } else if (*p < 0x20) {
      j += (size_t)snprintf(esc + j, sizeof esc - j, "\\u%04x", *p);
    } else {
      esc[j++] = (char)*p;
    }
  }
  esc[j] = 0;
  snprintf(json, sizeof json, "{\"event\":\"error\",\"message\":\"%s\"}", esc);
  emit_line(json);
}

