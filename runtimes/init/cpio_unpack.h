/*
 * Unpacks newc cpio archives ("070701"/"070702"; several may follow each other, each padded with
 * zeros) from memory into the root filesystem, as the kernel unpacks an initrd: directories,
 * regular files (hard links included), symlinks and device nodes, with owner, mode and mtime.
 * Later entries replace earlier files. Names are taken relative to "/".
 */
#ifndef UKC_INIT_CPIO_UNPACK_H
#define UKC_INIT_CPIO_UNPACK_H

#include <stddef.h>

/* 0, or -1 with a message in `error` (the entries before the bad one are unpacked). */
int cpio_unpack(const unsigned char *data, size_t size, char *error, size_t error_size);

#endif
