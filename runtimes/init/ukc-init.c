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

#include "files.h"
#include "init_log.h"
#include "listen_watch.h"
#include "net.h"
#include "template.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define MAX_INPUTS 8

/* Signals the app once: it leads its own session and process group (setsid), so the group kill
 * reaches it and its children. Signalling it twice could interrupt its shutdown output: a second
 * SIGTERM lands in a tty write() that returns EINTR without SA_RESTART and the line is lost. */
static void signal_app(pid_t app, int sig) {
  if (kill(-app, sig) < 0) kill(app, sig);
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

/* ---------- launch parameters ---------- */

/* Launch parameters may arrive as QEMU fw_cfg files (`-fw_cfg name=opt/ukc/<name>,file=…`, read
 * through the qemu_fw_cfg module's sysfs): the host then boots the image's initrd unchanged, with
 * no per-instance copy. Each one found replaces /ukc/<name> from the initrd. */
static void import_fw_cfg_params(void) {
  for (size_t i = 0; i < kLaunchParamCount; i++) {
    char src[128], dst[64];
    snprintf(src, sizeof src, "/sys/firmware/qemu_fw_cfg/by_name/opt/ukc/%s/raw", kLaunchParams[i]);
    snprintf(dst, sizeof dst, UKC_DIR "/%s", kLaunchParams[i]);
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
