/* newc cpio unpacking: see cpio_unpack.h. Format: the kernel's Documentation/driver-api/
 * early-userspace/buffer-format.rst (110-byte ASCII header, name, data; both 4-byte aligned). */
#define _GNU_SOURCE
#include "cpio_unpack.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define HEADER_SIZE 110
#define MAX_LINKS 256

struct header {
  unsigned long ino, mode, uid, gid, nlink, mtime, filesize, major, minor, rmajor, rminor, namesize;
};

/* Hard links waiting for their data: newc stores it with the last link of an inode. */
struct pending_link {
  unsigned long ino, major, minor;
  char path[1024];
};

static unsigned long hex8(const unsigned char *p) {
  char buf[9];
  memcpy(buf, p, 8);
  buf[8] = 0;
  return strtoul(buf, NULL, 16);
}

static size_t align4(size_t n) { return (n + 3) & ~(size_t)3; }

static int parse_header(const unsigned char *p, struct header *h) {
  if (memcmp(p, "070701", 6) != 0 && memcmp(p, "070702", 6) != 0) return -1;
  unsigned long *fields[] = {&h->ino,      &h->mode,   &h->uid,    &h->gid,
                             &h->nlink,    &h->mtime,  &h->filesize, &h->major,
                             &h->minor,    &h->rmajor, &h->rminor, &h->namesize};
  for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) *fields[i] = hex8(p + 6 + 8 * i);
  return 0;
}

static void make_parents(const char *path) {
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s", path);
  for (char *p = tmp + 1; *p; p++) {
    if (*p != '/') continue;
    *p = 0;
    mkdir(tmp, 0755);
    *p = '/';
  }
}

static void set_attributes(const char *path, const struct header *h) {
  if (lchown(path, (uid_t)h->uid, (gid_t)h->gid) < 0) { /* best effort, as the kernel */
  }
  if (!S_ISLNK(h->mode)) chmod(path, (mode_t)(h->mode & 07777));
  struct timespec times[2] = {{(time_t)h->mtime, 0}, {(time_t)h->mtime, 0}};
  utimensat(AT_FDCWD, path, times, AT_SYMLINK_NOFOLLOW);
}

static int write_file(const char *path, const unsigned char *data, size_t size) {
  unlink(path);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return -1;
  while (size > 0) {
    ssize_t w = write(fd, data, size);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      close(fd);
      return -1;
    }
    data += w;
    size -= (size_t)w;
  }
  return close(fd);
}

static int unpack_entry(const struct header *h, const char *path, const unsigned char *data,
                        struct pending_link *links, int *nlinks) {
  make_parents(path);
  mode_t type = (mode_t)h->mode & S_IFMT;
  if (type == S_IFDIR) {
    if (mkdir(path, 0700) < 0 && errno != EEXIST) return -1;
  } else if (type == S_IFREG) {
    size_t len = strlen(path);
    if (h->nlink > 1 && h->filesize == 0 && *nlinks < MAX_LINKS && len < sizeof links->path) {
      struct pending_link *l = &links[(*nlinks)++]; /* its data comes with a later link */
      l->ino = h->ino, l->major = h->major, l->minor = h->minor;
      memcpy(l->path, path, len + 1);
    }
    if (write_file(path, data, h->filesize) < 0) return -1;
    for (int i = 0; h->filesize > 0 && i < *nlinks; i++) {
      struct pending_link *l = &links[i];
      if (l->ino != h->ino || l->major != h->major || l->minor != h->minor) continue;
      unlink(l->path);
      if (link(path, l->path) < 0) return -1;
      l->ino = (unsigned long)-1;
    }
  } else if (type == S_IFLNK) {
    char target[4096];
    size_t n = h->filesize < sizeof target - 1 ? h->filesize : sizeof target - 1;
    memcpy(target, data, n);
    target[n] = 0;
    unlink(path);
    if (symlink(target, path) < 0) return -1;
  } else if (type == S_IFCHR || type == S_IFBLK || type == S_IFIFO || type == S_IFSOCK) {
    unlink(path);
    if (mknod(path, (mode_t)h->mode, makedev(h->rmajor, h->rminor)) < 0) return -1;
  } else {
    return 0; /* unknown type: skipped, as the kernel does */
  }
  set_attributes(path, h);
  return 0;
}

int cpio_unpack(const unsigned char *data, size_t size, char *error, size_t error_size) {
  static struct pending_link links[MAX_LINKS];
  int nlinks = 0;
  size_t pos = 0;
  while (pos < size) {
    if (data[pos] == 0) { /* padding between archives */
      pos++;
      continue;
    }
    struct header h;
    if (size - pos < HEADER_SIZE || parse_header(data + pos, &h) != 0) {
      snprintf(error, error_size, "not a newc cpio header at byte %zu", pos);
      return -1;
    }
    size_t name_at = pos + HEADER_SIZE;
    size_t data_at = align4(name_at + h.namesize);
    size_t next = align4(data_at + h.filesize);
    if (h.namesize == 0 || name_at + h.namesize > size || data_at + h.filesize > size) {
      snprintf(error, error_size, "truncated cpio entry at byte %zu", pos);
      return -1;
    }
    const char *name = (const char *)data + name_at;
    if (name[h.namesize - 1] != 0) {
      snprintf(error, error_size, "cpio name not terminated at byte %zu", pos);
      return -1;
    }
    pos = next > size ? size : next;
    if (strcmp(name, "TRAILER!!!") == 0) {
      nlinks = 0;
      continue;
    }
    while (name[0] == '.' && name[1] == '/') name += 2;
    while (name[0] == '/') name++;
    if (!*name || strcmp(name, ".") == 0) continue;
    char path[4096];
    snprintf(path, sizeof path, "/%s", name);
    if (unpack_entry(&h, path, data + data_at, links, &nlinks) < 0) {
      snprintf(error, error_size, "unpacking %s: %s", path, strerror(errno));
      return -1;
    }
  }
  return 0;
}
