/* File helpers of ukc-init. */
#ifndef UKC_INIT_FILES_H
#define UKC_INIT_FILES_H

#include <stddef.h>
#include <sys/types.h>

#define UKC_DIR "/ukc" /* launch parameters */

/* The launch parameters, each a file UKC_DIR/<name> that comes as fw_cfg opt/ukc/<name>. */
extern const char *const kLaunchParams[];
extern const size_t kLaunchParamCount;

/* Reads a whole file; returns a malloc'd buffer (NUL-terminated, *len = bytes) or NULL. */
char *read_file(const char *path, size_t *len);
/* Splits a NUL-separated buffer into a NULL-terminated vector (empty items dropped). */
char **split_nul(char *buf, size_t len, size_t *count);
void mkdir_p(const char *path, mode_t mode);
/* Writes `content` to `path` (created or truncated); reports failures as error lines. */
void write_file(const char *path, const char *content);

#endif
