/*
 * Tiny static HTTP server for guest boot tests.
 *
 *   http-server [PORT [WORD]]      (PORT defaults to $PORT, then 8080)
 *
 * Answers every request with 200 and a body of the form
 *   hello from ukc guest\nGREETING=<$GREETING>\nARG2=<argv[2]>\nCWD=<cwd>\n
 *   BOOT=<the kernel's boot_id>\nCOUNT=<requests answered since the app started, this one included; connections
 *   closed without a request are not answered nor counted>\n
 *   RANDOM=<16 bytes from getrandom() at start, hex>\nTIME=<the guest's wall clock, unix s>\n
 * (BOOT and RANDOM tell replicas apart, also ones restored from one template; COUNT is state held
 * in memory, for scale-to-zero snapshots; TIME checks a restored guest's clock.)
 * GET /slow answers after 2 s (one request at a time: others wait), to hold a request in flight.
 * Waits $LISTEN_DELAY_MS before it listens when that is set (an app that starts slowly, as
 * CPython does under TCG). Prints "listening on :PORT" to stdout once bound. Exits with the code in $EXIT_CODE right
 * after binding when that is set (used to test exit-code reporting). On SIGTERM prints
 * "http-server: SIGTERM, exiting" and exits 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static void on_term(int sig) { (void)sig; stop = 1; }

int main(int argc, char **argv) {
  const char *port_s = argc > 1 ? argv[1] : getenv("PORT");
  int port = port_s ? atoi(port_s) : 8080;
  const char *greeting = getenv("GREETING");
  const char *arg2 = argc > 2 ? argv[2] : "";
  char cwd[256];
  if (!getcwd(cwd, sizeof cwd)) strcpy(cwd, "?");

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_term; /* no SA_RESTART: accept() returns EINTR */
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);

  const char *delay = getenv("LISTEN_DELAY_MS");
  if (delay && *delay) {
    long ms = atol(delay);
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR && !stop) {
    }
    if (stop) return 0;
  }

  int s = socket(AF_INET6, SOCK_STREAM, 0);
  int fam6 = s >= 0;
  if (!fam6) s = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1, zero = 0;
  setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  int rc;
  if (fam6) {
    setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
    struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_port = htons(port), .sin6_addr = in6addr_any};
    rc = bind(s, (struct sockaddr *)&a6, sizeof a6);
  } else {
    struct sockaddr_in a4 = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = INADDR_ANY};
    rc = bind(s, (struct sockaddr *)&a4, sizeof a4);
  }
  if (rc < 0 || listen(s, 64) < 0) {
    fprintf(stderr, "http-server: bind/listen :%d: %s\n", port, strerror(errno));
    return 1;
  }
  printf("listening on :%d\n", port);
  fflush(stdout);
  const char *ec = getenv("EXIT_CODE");
  if (ec && *ec) return atoi(ec);

  char boot_id[64] = "?";
  FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
  if (f) {
    if (!fgets(boot_id, sizeof boot_id, f)) strcpy(boot_id, "?");
    boot_id[strcspn(boot_id, "\n")] = 0;
    fclose(f);
  }
  unsigned char random_bytes[16] = {0};
  char random_hex[33] = "";
  if (getrandom(random_bytes, sizeof random_bytes, 0) != (ssize_t)sizeof random_bytes) {
    strcpy(random_hex, "?");
  } else {
    for (size_t i = 0; i < sizeof random_bytes; i++) sprintf(random_hex + 2 * i, "%02x", random_bytes[i]);
  }
  unsigned long count = 0;
  char body[1024];
  while (!stop) {
    int c = accept(s, NULL, NULL);
    if (c < 0) continue;
    char req[4096];
    size_t got = 0;
    /* Read until the end of the headers (or the buffer is full / the peer closes). */
    while (got < sizeof req - 1) {
      ssize_t r = read(c, req + got, sizeof req - 1 - got);
      if (r <= 0) break;
      got += (size_t)r;
      req[got] = 0;
      if (strstr(req, "\r\n\r\n") || strstr(req, "\n\n")) break;
    }
    if (got == 0) { /* a connection without a request (a readiness probe): not counted */
      close(c);
      continue;
    }
    if (strncmp(req, "GET /slow", 9) == 0) sleep(2); /* a request that stays in flight */
    int blen = snprintf(body, sizeof body,
                        "hello from ukc guest\nGREETING=%s\nARG2=%s\nCWD=%s\nBOOT=%s\nCOUNT=%lu\n"
                        "RANDOM=%s\nTIME=%lld\n",
                        greeting ? greeting : "", arg2, cwd, boot_id, ++count, random_hex,
                        (long long)time(NULL));
    char hdr[256];
    int hlen = snprintf(hdr, sizeof hdr,
                        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n"
                        "Connection: close\r\n\r\n", blen);
    ssize_t w = write(c, hdr, (size_t)hlen);
    w = write(c, body, (size_t)blen);
    (void)w;
    close(c);
  }
  printf("http-server: SIGTERM, exiting\n");
  fflush(stdout);
  return 0;
}
