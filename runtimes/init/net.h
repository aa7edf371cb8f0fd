/* Guest networking: lo and eth0 (QEMU user networking defaults 10.0.2.15/24 via 10.0.2.2, DNS
 * 10.0.2.3, overridable by /ukc/net "ip=A.B.C.D/NN gw=A.B.C.D dns=A.B.C.D"), the default route,
 * /etc/resolv.conf and /etc/hosts. */
#ifndef UKC_INIT_NET_H
#define UKC_INIT_NET_H

void setup_network(void);
/* One datagram to the gateway, so QEMU's user network learns the guest's MAC (see net.c). */
void announce_to_gateway(const char *gw);

#endif
