/* Listening-port reports of ukc-init: see listen_watch.h. */
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
#include "listen_watch.h"

/* The guest ports the host forwards (/ukc/ports, one number per line). */
int read_watched_ports(int *ports, int max) {
  char *buf = read_file(UKC_DIR "/ports", NULL);
  if (!buf) return 0;
  int n = 0;
  for (char *tok = strtok(buf, " \t\n"); tok && n < max; tok = strtok(NULL, " \t\n")) {
    int port = atoi(tok);
    if (port > 0 && port < 65536) ports[n++] = port;
  }
  free(buf);
  return n;
}

/* Whether a line of /proc/net/tcp{,6} is a listener on `port` reachable from outside the guest:
 * state 0A (LISTEN) on any local address but loopback (127.0.0.0/8, ::1). */
static int listens_on(const char *line, int port) {
  char local[64];
  unsigned lport, state;
  if (sscanf(line, " %*d: %63[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%*x %x", local, &lport, &state) != 3)
    return 0;
  if (state != 0x0A || (int)lport != port) return 0;
  size_t len = strlen(local);
  if (len == 8) return strcmp(local + 6, "7F") != 0 && strcmp(local + 6, "7f") != 0;
  if (len == 32) {
    if (!strcmp(local, "00000000000000000000000001000000")) return 0; /* ::1 */
    if (!strncmp(local, "0000000000000000FFFF0000", 24) && (local[30] == '7') &&
        (local[31] == 'F' || local[31] == 'f'))
      return 0; /* ::ffff:127.x */
    return 1;
  }
  return 0;
}

static int port_listening(int port) {
  static const char *const tables[] = {"/proc/net/tcp", "/proc/net/tcp6"};
  for (size_t t = 0; t < 2; t++) {
    FILE *f = fopen(tables[t], "re");
    if (!f) continue;
    char line[256];
    int found = 0;
    while (!found && fgets(line, sizeof line, f)) found = listens_on(line, port);
    fclose(f);
    if (found) return 1;
  }
  return 0;
}

/* Reports the watched ports that listen now and drops them from the list; returns how many are
 * left. */
int report_listening(int *ports, int n) {
  for (int i = 0; i < n;) {
    if (!port_listening(ports[i])) {
      i++;
      continue;
    }
    char line[96];
    snprintf(line, sizeof line, "{\"event\":\"listening\",\"port\":%d,\"uptime_ms\":%lld}",
             ports[i], uptime_ms());
    emit_line(line);
    ports[i] = ports[--n];
  }
  return n;
}

/* How long to sleep before looking again: often while the app starts, rarely once it has taken a
 * while (an app that never listens costs little). */
int watch_interval_ms(long long watching_since) {
  long long waited = uptime_ms() - watching_since;
  if (waited < 3000) return 5;
  if (waited < 30000) return 25;
  return 250;
}
