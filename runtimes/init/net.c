/* Guest networking of ukc-init: see net.h. */
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
#include "net.h"

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

/* Make the guest ARP for the gateway now: QEMU's user network (slirp) learns the guest's MAC
 * only from ARP, and until it has it, it drops the SYNs of forwarded host connections and
 * retries only after its slow TCP retransmit timer (~1-3 s). One datagram to the gateway's
 * discard port costs nothing and makes the first hostfwd connection succeed at once. A guest
 * restored from a template does it again: the restoring QEMU's user network is a new one. */
void announce_to_gateway(const char *gw) {
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
void setup_network(void) {
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
