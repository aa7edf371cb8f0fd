/* ukc-init's console reports: one line each, "ukc-init: " + a JSON object (runtimes/README.md). */
#ifndef UKC_INIT_LOG_H
#define UKC_INIT_LOG_H

/* CLOCK_BOOTTIME in milliseconds. */
long long uptime_ms(void);
/* Writes "ukc-init: <json>\n" in one write(), so lines never interleave. */
void emit_line(const char *json);
/* Reports {"event":"error","message":...} with the formatted, JSON-escaped message. */
void emit_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
