/* The forwarded guest ports (/ukc/ports) ukc-init watches: each is reported once a socket listens
 * on it on any address but loopback ({"event":"listening","port":P,...}). */
#ifndef UKC_INIT_LISTEN_WATCH_H
#define UKC_INIT_LISTEN_WATCH_H

#define MAX_WATCHED 16

/* Reads /ukc/ports into `ports` (at most `max`); returns how many. */
int read_watched_ports(int *ports, int max);
/* Reports the ports that listen now and drops them from the list; returns how many are left. */
int report_listening(int *ports, int n);
/* How long to wait before looking again, `watching_since` being the uptime_ms it began. */
int watch_interval_ms(long long watching_since);

#endif
