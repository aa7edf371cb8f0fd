/*
 * ukc-init: PID 1 of a ukc-emu guest.
 *
 * Contract (see runtimes/README.md for the full text):
 *   - mounts /proc, /sys, /dev (devtmpfs), /dev/pts, /dev/shm, /tmp, /run
 *   - loads the kernel modules listed in /ukc/modules (one path per line, in order)
 *   - brings up lo and eth0 (10.0.2.15/24, default route 10.0.2.2, DNS 10.0.2.3)
 *   - reads /ukc/argv, /ukc/env (NUL-separated) and /ukc/cwd (one line)
 *   - watches the TCP ports listed in /ukc/ports (one per line) and reports each once the app
 *     listens on it (any address but loopback), so the host routes traffic only then
 *   - runs the app with stdout/stderr on /dev/console, reaps zombies,
 *     forwards SIGTERM/SIGINT/SIGHUP/SIGQUIT/SIGUSR1/SIGUSR2 to it
 *   - on the ACPI power button (QMP system_powerdown): SIGTERM to the app,
 *     SIGKILL after /ukc/stop_timeout_ms (default 5000)
 *   - when the app exits: kills what is left, syncs and powers the VM off
 *
 * Reports on the console, one line each:
 *   ukc-init: {"event":"boot","uptime_ms":N}
 *   ukc-init: {"event":"app-start","pid":N,"uptime_ms":N,"watching":[P,...]}
 *   ukc-init: {"event":"listening","port":P,"uptime_ms":N}
 *   ukc-init: {"event":"stop","reason":"power-button"|"signal","uptime_ms":N}
 *   ukc-init: {"event":"app-exit","code":N,"signal":S,"uptime_ms":N}
 *   ukc-init: {"event":"error","message":"..."}
 *   ukc-init: {"event":"template-ready","uptime_ms":N}     (template mode, template.h)
 *   ukc-init: {"event":"restored","app_bytes":N,"import_ms":N,"uptime_ms":N}
 *
 * Static, libc only: gcc -static -Os (the Makefile builds every .c file of this folder).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/input.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "init_log.h"
#include "template.h"

#define UKC_DIR "/ukc"
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define MAX_INPUTS 8

/* Signals the app once: it leads its own session and process group (setsid), so the group kill
 * reaches it and its children. Signalling it twice could interrupt its shutdown output: a second
 * SIGTERM lands in a tty write() that returns EINTR without SA_RESTART and the line is lost. */
static void signal_app(pid_t app, int sig) {
  if (kill(-app, sig) < 0) kill(app, sig);
}

/* ---------- files ---------- */

/* Reads a whole file; returns malloc'd buffer (NUL-terminated, *len = bytes) or NULL. */
static char *read_file(const char *path, size_t *len) {
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
static char **split_nul(char *buf, size_t len, size_t *count) {
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

static void mkdir_p(const char *path, mode_t mode) {
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

static void write_file(const char *path, const char *content) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    emit_error("open %s: %s", path, strerror(errno));
    return;
  }
  ssize_t w = write(fd, content, strlen(content));
  (void)w;
  close(fd);
}

/* ---------- early setup ---------- */

static void do_mount(const char *src, const char *target, const char *type, unsigned long flags,
                     const char *data) {
  mkdir_p(target, 0755);
  if (mount(src, target, type, flags, data) < 0 && errno != EBUSY)
    emit_error("mount %s on %s: %s", type, target, strerror(errno));
}

static void setup_console(void) {
  /* The kernel opens /dev/console for us only if the initrd has that node; make sure either way. */
  int fd = open("/dev/console", O_RDWR | O_NOCTTY);
  if (fd < 0) return;
  dup2(fd, STDOUT_FILENO);
  dup2(fd, STDERR_FILENO);
  if (fd > STDERR_FILENO) close(fd);
  int nul = open("/dev/null", O_RDWR);
  if (nul >= 0) {
    dup2(nul, STDIN_FILENO);
    if (nul > STDERR_FILENO) close(nul);
  }
}

static void mount_filesystems(void) {
  do_mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
  do_mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
  do_mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
  do_mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "gid=5,mode=0620,ptmxmode=0666");
  do_mount("shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
  do_mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
  do_mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
  symlink("/proc/self/fd", "/dev/fd");
  symlink("/proc/self/fd/0", "/dev/stdin");
  symlink("/proc/self/fd/1", "/dev/stdout");
  symlink("/proc/self/fd/2", "/dev/stderr");
}

static void load_modules(void) {
  size_t len;
  char *list = read_file(UKC_DIR "/modules", &len);
  if (!list) return;
  for (char *line = strtok(list, "\n"); line; line = strtok(NULL, "\n")) {
    while (*line == ' ' || *line == '\t') line++;
    if (!*line || *line == '#') continue;
    int fd = open(line, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      emit_error("module %s: %s", line, strerror(errno));
      continue;
    }
    if (syscall(SYS_finit_module, fd, "", 0) < 0 && errno != EEXIST)
      emit_error("finit_module %s: %s", line, strerror(errno));
    close(fd);
  }
  free(list);
}

/* ---------- network ---------- */

static void set_sin(struct sockaddr *sa, const char *ip) {
  struct sockaddr_in *sin = (struct sockaddr_in *)sa;
  memset(sin, 0, sizeof *sin);
  sin->sin_family = AF_INET;
  inet_pton(AF_INET, ip, &sin->sin_addr);
}

static int if_up(int s, const char *name) {
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
  if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) return -1;
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  return ioctl(s, SIOCSIFFLAGS, &ifr);
}

/* Launch parameters may arrive as QEMU fw_cfg files (`-fw_cfg name=opt/ukc/<name>,file=…`, read
 * through the qemu_fw_cfg module's sysfs): the host then boots the image's initrd unchanged, with
 * no per-instance copy. Each one found replaces /ukc/<name> from the initrd. */
static void import_fw_cfg_params(void) {
  static const char *const names[] = {"argv", "env", "cwd", "net", "stop_timeout_ms", "ports"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    char src[128], dst[64];
    snprintf(src, sizeof src, "/sys/firmware/qemu_fw_cfg/by_name/opt/ukc/%s/raw", names[i]);
    snprintf(dst, sizeof dst, UKC_DIR "/%s", names[i]);
    size_t len = 0;
    char *data = read_file(src, &len);
    if (!data) continue;
    mkdir(UKC_DIR, 0755);
    int fd = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd >= 0) {
      ssize_t n = write(fd, data, len);
      if (n < 0 || (size_t)n != len) emit_error("cannot copy a fw_cfg launch parameter");
      close(fd);
    }
    free(data);
  }
}

/* Make the guest ARP for the gateway now: QEMU's user network (slirp) learns the guest's MAC
 * only from ARP, and until it has it, it drops the SYNs of forwarded host connections and
 * retries only after its slow TCP retransmit timer (~1-3 s). One datagram to the gateway's
 * discard port costs nothing and makes the first hostfwd connection succeed at once. A guest
 * restored from a template does it again: the restoring QEMU's user network is a new one. */
static void announce_to_gateway(const char *gw) {
  int u = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (u >= 0) {
    struct sockaddr_in to;
    set_sin((struct sockaddr *)&to, gw);
    to.sin_port = htons(9);
    ssize_t w = sendto(u, "", 0, 0, (struct sockaddr *)&to, sizeof to);
    (void)w;
    close(u);
  }
}

/* Network parameters: QEMU user networking defaults, overridable by /ukc/net
 * ("ip=A.B.C.D/NN gw=A.B.C.D dns=A.B.C.D", any subset, whitespace separated). */
static void setup_network(void) {
  char ip[32] = "10.0.2.15", gw[32] = "10.0.2.2", dns[32] = "10.0.2.3";
  int prefix = 24;
  char *cfg = read_file(UKC_DIR "/net", NULL);
  if (cfg) {
    for (char *tok = strtok(cfg, " \t\n"); tok; tok = strtok(NULL, " \t\n")) {
      if (!strncmp(tok, "ip=", 3)) {
        char *slash = strchr(tok + 3, '/');
        if (slash) {
          *slash = 0;
          prefix = atoi(slash + 1);
        }
        snprintf(ip, sizeof ip, "%s", tok + 3);
      } else if (!strncmp(tok, "gw=", 3)) {
        snprintf(gw, sizeof gw, "%s", tok + 3);
      } else if (!strncmp(tok, "dns=", 4)) {
        snprintf(dns, sizeof dns, "%s", tok + 4);
      }
    }
    free(cfg);
  }

  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) {
    emit_error("socket: %s", strerror(errno));
    return;
  }
  if (if_up(s, "lo") < 0) emit_error("lo up: %s", strerror(errno));

  /* virtio_net probes synchronously during finit_module, but allow a short grace period. */
  struct ifreq ifr;
  int found = 0;
  for (int i = 0; i < 200; i++) {
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, IFNAMSIZ, "eth0");
    if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
      found = 1;
      break;
    }
    usleep(5000);
  }
  if (!found) {
    emit_error("no eth0: networking disabled");
    close(s);
    return;
  }
  memset(&ifr, 0, sizeof ifr);
  snprintf(ifr.ifr_name, IFNAMSIZ, "eth0");
  set_sin(&ifr.ifr_addr, ip);
  if (ioctl(s, SIOCSIFADDR, &ifr) < 0) emit_error("eth0 address: %s", strerror(errno));
  uint32_t mask = prefix <= 0 ? 0 : htonl(~0u << (32 - prefix));
  memset(&ifr, 0, sizeof ifr);
  snprintf(ifr.ifr_name, IFNAMSIZ, "eth0");
  set_sin(&ifr.ifr_netmask, "0.0.0.0");
  ((struct sockaddr_in *)&ifr.ifr_netmask)->sin_addr.s_addr = mask;
  if (ioctl(s, SIOCSIFNETMASK, &ifr) < 0) emit_error("eth0 netmask: %s", strerror(errno));
  if (if_up(s, "eth0") < 0) emit_error("eth0 up: %s", strerror(errno));

  struct rtentry rt;
  memset(&rt, 0, sizeof rt);
  set_sin(&rt.rt_dst, "0.0.0.0");
  set_sin(&rt.rt_genmask, "0.0.0.0");
  set_sin(&rt.rt_gateway, gw);
  rt.rt_flags = RTF_UP | RTF_GATEWAY;
  rt.rt_dev = "eth0";
  if (ioctl(s, SIOCADDRT, &rt) < 0 && errno != EEXIST)
    emit_error("default route via %s: %s", gw, strerror(errno));
  close(s);

  announce_to_gateway(gw);

  mkdir_p("/etc", 0755);
  char resolv[96];
  snprintf(resolv, sizeof resolv, "nameserver %s\n", dns);
  write_file("/etc/resolv.conf", resolv);
  if (access("/etc/hosts", F_OK) != 0)
    write_file("/etc/hosts", "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
}

/* ---------- listening ports ---------- */

#define MAX_WATCHED 16

/* The guest ports the host forwards (/ukc/ports, one number per line). */
static int read_watched_ports(int *ports, int max) {
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
static int report_listening(int *ports, int n) {
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
static int watch_interval_ms(long long watching_since) {
  long long waited = uptime_ms() - watching_since;
  if (waited < 3000) return 5;
  if (waited < 30000) return 25;
  return 250;
}

/* ---------- power button ---------- */

static int test_bit(const unsigned long *bits, int bit) {
  return (bits[bit / (8 * sizeof(long))] >> (bit % (8 * sizeof(long)))) & 1;
}

/* Opens every /dev/input/event* that can report KEY_POWER. Returns the number opened. */
static int open_power_buttons(int *fds, int max) {
  int n = 0;
  DIR *d = opendir("/dev/input");
  if (!d) return 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < max) {
    if (strncmp(e->d_name, "event", 5)) continue;
    char path[300];
    snprintf(path, sizeof path, "/dev/input/%s", e->d_name);
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) continue;
    unsigned long keys[KEY_MAX / (8 * sizeof(long)) + 1];
    memset(keys, 0, sizeof keys);
    if (ioctl(fd, EVIOCGBIT(EV_KEY, sizeof keys), keys) >= 0 && test_bit(keys, KEY_POWER)) {
      fds[n++] = fd;
    } else {
      close(fd);
    }
  }
  closedir(d);
  return n;
}

static int power_pressed(int fd) {
  struct input_event ev[16];
  int pressed = 0;
  for (;;) {
    ssize_t r = read(fd, ev, sizeof ev);
    if (r <= 0) break;
    for (size_t i = 0; i < (size_t)r / sizeof ev[0]; i++)
      if (ev[i].type == EV_KEY && ev[i].code == KEY_POWER && ev[i].value == 1) pressed = 1;
  }
  return pressed;
}

/* ---------- app ---------- */

static void apply_env(void) {
  clearenv();
  setenv("PATH", DEFAULT_PATH, 1);
  setenv("HOME", "/", 1);
  setenv("TERM", "linux", 1);
  size_t len, n;
  char *buf = read_file(UKC_DIR "/env", &len);
  if (!buf) return;
  char **v = split_nul(buf, len, &n);
  for (size_t i = 0; i < n; i++) {
    char *eq = strchr(v[i], '=');
    if (!eq || eq == v[i]) {
      emit_error("ignoring env entry without '=': %s", v[i]);
      continue;
    }
    *eq = 0;
    setenv(v[i], eq + 1, 1);
    *eq = '=';
  }
  free(v); /* strings stay owned by buf, which setenv copied */
  free(buf);
}

static char *read_cwd(void) {
  char *buf = read_file(UKC_DIR "/cwd", NULL);
  if (!buf) return strdup("/");
  buf[strcspn(buf, "\r\n")] = 0;
  if (!*buf) {
    free(buf);
    return strdup("/");
  }
  return buf;
}

static void power_off(void) {
  /* Anything left of the app: TERM, a short grace, then KILL. */
  kill(-1, SIGTERM);
  for (int i = 0; i < 20; i++) {
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
    if (kill(-1, 0) < 0 && errno == ESRCH) break;
    usleep(10000);
  }
  kill(-1, SIGKILL);
  sync();
  reboot(RB_POWER_OFF);
  /* Not reached unless power-off failed: PID 1 exits, the kernel panics, panic=-1 resets and
   * QEMU's -no-reboot turns the reset into an exit. */
  _exit(1);
}

int main(void) {
  if (getpid() != 1) {
    fprintf(stderr, "ukc-init: must run as PID 1\n");
    return 1;
  }
  mount_filesystems();
  setup_console();
  char line[96];
  snprintf(line, sizeof line, "{\"event\":\"boot\",\"uptime_ms\":%lld}", uptime_ms());
  emit_line(line);

  /* Signals init handles: through a signalfd, so the poll loop below sees them. */
  sigset_t mask;
  sigemptyset(&mask);
  int forwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
  for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++) sigaddset(&mask, forwarded[i]);
  sigaddset(&mask, SIGCHLD);
  sigaddset(&mask, SIGPWR);
  sigprocmask(SIG_BLOCK, &mask, NULL);
  int sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  reboot(RB_DISABLE_CAD); /* Ctrl-Alt-Del -> SIGINT to us instead of an instant reset */

  load_modules();
  if (template_requested()) {
    /* What every instance shares is done; the rest comes with the launch that restores us. */
    setup_network();
    if (template_wait_and_import() < 0) {
      snprintf(line, sizeof line,
               "{\"event\":\"app-exit\",\"code\":127,\"signal\":0,\"uptime_ms\":%lld}", uptime_ms());
      emit_line(line);
      power_off();
    }
    if (access(UKC_DIR "/net", F_OK) == 0) {
      setup_network(); /* this instance's own addresses */
    } else {
      announce_to_gateway("10.0.2.2");
    }
  } else {
    import_fw_cfg_params();
    setup_network();
  }

  size_t alen = 0, argc = 0;
  char *abuf = read_file(UKC_DIR "/argv", &alen);
  char **argv = abuf ? split_nul(abuf, alen, &argc) : NULL;
  if (argc == 0) {
    emit_error("no command: " UKC_DIR "/argv is missing or empty");
    snprintf(line, sizeof line, "{\"event\":\"app-exit\",\"code\":127,\"signal\":0,\"uptime_ms\":%lld}",
             uptime_ms());
    emit_line(line);
    power_off();
  }
  apply_env();
  char *cwd = read_cwd();

  long stop_timeout_ms = 5000;
  char *st = read_file(UKC_DIR "/stop_timeout_ms", NULL);
  if (st) {
    stop_timeout_ms = atol(st);
    free(st);
  }

  int watched[MAX_WATCHED];
  int nwatched = read_watched_ports(watched, MAX_WATCHED);

  pid_t app = fork();
  if (app == 0) {
    sigprocmask(SIG_UNBLOCK, &mask, NULL);
    setsid();
    if (chdir(cwd) < 0) {
      emit_error("chdir %s: %s", cwd, strerror(errno));
      _exit(127);
    }
    execvp(argv[0], argv);
    int err = errno;
    emit_error("exec %s: %s", argv[0], strerror(err));
    _exit(err == ENOENT ? 127 : 126);
  }
  if (app < 0) {
    emit_error("fork: %s", strerror(errno));
    power_off();
  }
  {
    char start[320];
    int len = snprintf(start, sizeof start, "{\"event\":\"app-start\",\"pid\":%d,\"uptime_ms\":%lld,\"watching\":[", app,
                       uptime_ms());
    for (int i = 0; i < nwatched; i++)
      len += snprintf(start + len, sizeof start - (size_t)len, "%s%d", i ? "," : "", watched[i]);
    snprintf(start + len, sizeof start - (size_t)len, "]}");
    emit_line(start);
  }
  long long watching_since = uptime_ms();

  /* Power button (QMP system_powerdown) -> graceful stop. Set up after the app started: off the
   * critical path of boot. Needs the 'button' and 'evdev' modules (loaded from /ukc/modules). */
  struct pollfd pfd[1 + MAX_INPUTS];
  int inputs[MAX_INPUTS];
  int ninputs = open_power_buttons(inputs, MAX_INPUTS);
  pfd[0].fd = sfd;
  pfd[0].events = POLLIN;
  for (int i = 0; i < ninputs; i++) {
    pfd[1 + i].fd = inputs[i];
    pfd[1 + i].events = POLLIN;
  }

  long long kill_at = -1; /* uptime_ms at which the app gets SIGKILL, once a stop began */
  for (;;) {
    int timeout = -1;
    if (kill_at >= 0) {
      long long left = kill_at - uptime_ms();
      timeout = left < 0 ? 0 : (int)left;
    }
    if (nwatched > 0) {
      nwatched = report_listening(watched, nwatched);
      int every = watch_interval_ms(watching_since);
      if (nwatched > 0 && (timeout < 0 || timeout > every)) timeout = every;
    }
    int r = poll(pfd, (nfds_t)(1 + ninputs), timeout);
    if (r < 0 && errno != EINTR) {
      emit_error("poll: %s", strerror(errno));
      usleep(100000);
    }
    int begin_stop = 0;
    const char *reason = NULL;
    if (r > 0 && (pfd[0].revents & POLLIN)) {
      struct signalfd_siginfo si;
      while (read(sfd, &si, sizeof si) == sizeof si) {
        int sig = (int)si.ssi_signo;
        if (sig == SIGCHLD) continue;
        if (sig == SIGPWR) {
          begin_stop = 1;
          reason = "power";
        } else {
          signal_app(app, sig); /* forward to the app and its process group */
          if (sig == SIGTERM || sig == SIGINT) {
            begin_stop = 1;
            reason = "signal";
          }
        }
      }
    }
    for (int i = 0; r > 0 && i < ninputs; i++) {
      if ((pfd[1 + i].revents & POLLIN) && power_pressed(inputs[i])) {
        begin_stop = 1;
        reason = "power-button"; /* SIGTERM below, once even if several devices report it */
      }
    }
    if (begin_stop && kill_at < 0) {
      if (reason && strcmp(reason, "signal") != 0) {
        signal_app(app, SIGTERM);
      }
      snprintf(line, sizeof line, "{\"event\":\"stop\",\"reason\":\"%s\",\"uptime_ms\":%lld}", reason,
               uptime_ms());
      emit_line(line);
      kill_at = uptime_ms() + stop_timeout_ms;
    }
    if (kill_at >= 0 && uptime_ms() >= kill_at) {
      emit_error("app did not stop within %ld ms: SIGKILL", stop_timeout_ms);
      signal_app(app, SIGKILL);
      kill_at = uptime_ms() + 3600 * 1000LL; /* wait for the reap below */
    }

    /* Reap everything; the app's own exit ends the VM. */
    int status;
    pid_t p;
    while ((p = waitpid(-1, &status, WNOHANG)) > 0) {
      if (p != app) continue;
      int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
      snprintf(line, sizeof line,
               "{\"event\":\"app-exit\",\"code\":%d,\"signal\":%d,\"uptime_ms\":%lld}", code, sig,
               uptime_ms());
      emit_line(line);
      power_off();
    }
  }
}
