#!/usr/bin/env python3
"""Generate a small, valid OCI image layout for registry e2e tests.

Usage:
  make-oci-layout.py OUT_DIR [--layer-mb 1,2,3] [--seed N] [--tag latest]
                             [--index] [--gzip-stored] [--force]

Writes OUT_DIR/oci-layout, OUT_DIR/index.json and OUT_DIR/blobs/sha256/<hex>.

Without --index: one image manifest (application/vnd.oci.image.manifest.v1+json)
with one layer per entry of --layer-mb (uncompressed tar, media type
application/vnd.oci.image.layer.v1.tar, each holding one file of that many MiB
of random bytes; fractions allowed) and an image config whose rootfs.diff_ids
list the layers.  index.json references the manifest with the annotation
org.opencontainers.image.ref.name=TAG, so `oci:OUT_DIR:TAG` names it.

With --index: two such images, linux/amd64 and linux/arm64 (distinct layers and
configs), referenced by one image index (application/vnd.oci.image.index.v1+json)
stored as a blob; index.json references that index with ref.name=TAG, so
`skopeo copy --multi-arch all oci:OUT_DIR:TAG ...` copies both platforms.

Randomness: os.urandom by default; --seed N makes the bytes reproducible.
--gzip-stored wraps each tar in gzip level 0 (media type ...tar+gzip).

Prints `manifest=sha256:...` (the top-level digest: the index with --index),
`blob_bytes=N` and, with --index, one `child=sha256:...` line per platform.
Stdlib only.
"""

import argparse
import gzip
import hashlib
import io
import json
import os
import random
import shutil
import sys
import tarfile

CHUNK = 1 << 20
MT_INDEX = "application/vnd.oci.image.index.v1+json"
MT_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_LAYER_TAR = "application/vnd.oci.image.layer.v1.tar"
MT_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"


class RandomReader(io.RawIOBase):
    """A read-only stream of `size` random bytes."""

    def __init__(self, size, rng):
        self._left = size
        self._rng = rng  # None -> os.urandom

    def readable(self):
        return True

    def read(self, n=-1):
        if n is None or n < 0 or n > self._left:
            n = self._left
        n = min(n, CHUNK)
        if n <= 0:
            return b""
        self._left -= n
        return self._rng.randbytes(n) if self._rng else os.urandom(n)


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def commit_blob(blobs_dir, tmp_path):
    hexd = sha256_file(tmp_path)
    size = os.path.getsize(tmp_path)
    os.replace(tmp_path, os.path.join(blobs_dir, hexd))
    return "sha256:" + hexd, size


def write_bytes_blob(blobs_dir, data):
    hexd = hashlib.sha256(data).hexdigest()
    with open(os.path.join(blobs_dir, hexd), "wb") as f:
        f.write(data)
    return "sha256:" + hexd, len(data)


def canonical_json(obj):
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


def write_layer(blobs_dir, name, nbytes, rng, gzip_stored):
    tar_tmp = os.path.join(blobs_dir, ".tmp-%s.tar" % name)
    info = tarfile.TarInfo("data/%s.bin" % name)
    info.size = nbytes
    info.mode = 0o644
    info.mtime = 0
    info.uid = info.gid = 0
    with tarfile.open(tar_tmp, "w", format=tarfile.USTAR_FORMAT) as tar:
        tar.addfile(info, RandomReader(nbytes, rng))
    diff_id = "sha256:" + sha256_file(tar_tmp)
    if not gzip_stored:
        digest, size = commit_blob(blobs_dir, tar_tmp)
        return {"mediaType": MT_LAYER_TAR, "digest": digest, "size": size}, diff_id
    gz_tmp = tar_tmp + ".gz"
    with open(tar_tmp, "rb") as src, open(gz_tmp, "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=0, mtime=0) as gz:
            shutil.copyfileobj(src, gz, CHUNK)
    os.unlink(tar_tmp)
    digest, size = commit_blob(blobs_dir, gz_tmp)
    return {"mediaType": MT_LAYER_GZIP, "digest": digest, "size": size}, diff_id


def write_image(blobs_dir, arch, sizes_mb, seed, gzip_stored, salt):
    layers, diff_ids = [], []
    for i, mb in enumerate(sizes_mb):
        rng = random.Random(seed * 1000 + salt * 100 + i) if seed is not None else None
        desc, diff_id = write_layer(blobs_dir, "%s-layer-%d" % (arch, i),
                                    int(mb * 1024 * 1024), rng, gzip_stored)
        layers.append(desc)
        diff_ids.append(diff_id)
    config = {
        "architecture": arch,
        "os": "linux",
        "created": "1970-01-01T00:00:00Z",
        "config": {"Cmd": ["/bin/true"]},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created": "1970-01-01T00:00:00Z",
                     "created_by": "make-oci-layout.py %s layer %d" % (arch, i)}
                    for i in range(len(layers))],
    }
    cfg_digest, cfg_size = write_bytes_blob(blobs_dir, canonical_json(config))
    manifest = {
        "schemaVersion": 2,
        "mediaType": MT_MANIFEST,
        "config": {"mediaType": MT_CONFIG, "digest": cfg_digest, "size": cfg_size},
        "layers": layers,
    }
    man_digest, man_size = write_bytes_blob(blobs_dir, canonical_json(manifest))
    blob_bytes = sum(l["size"] for l in layers) + cfg_size + man_size
    desc = {"mediaType": MT_MANIFEST, "digest": man_digest, "size": man_size,
            "platform": {"architecture": arch, "os": "linux"}}
    return desc, blob_bytes


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out_dir")
    ap.add_argument("--layer-mb", default="1,2,3",
                    help="comma-separated MiB per layer (fractions allowed)")
    ap.add_argument("--size-mb", type=float, default=None,
                    help="total MiB split evenly over --layers (the benchmark kit's form)")
    ap.add_argument("--layers", type=int, default=5)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--tag", default="latest")
    ap.add_argument("--index", action="store_true",
                    help="write an image index of two platform manifests")
    ap.add_argument("--gzip-stored", action="store_true")
    ap.add_argument("--force", action="store_true", help="replace OUT_DIR if it exists")
    args = ap.parse_args()
    if args.size_mb is not None:
        if args.layers < 1:
            ap.error("--layers must be at least 1")
        args.layer_mb = ",".join([str(args.size_mb / args.layers)] * args.layers)
    try:
        sizes = [float(s) for s in args.layer_mb.split(",") if s.strip()]
    except ValueError:
        ap.error("--layer-mb must be comma-separated numbers")
    if not sizes or any(s <= 0 for s in sizes):
        ap.error("--layer-mb needs at least one positive size")

    out = args.out_dir
    if os.path.exists(out):
        if not args.force:
            sys.exit("error: %s exists (use --force to replace it)" % out)
        shutil.rmtree(out)
    blobs_dir = os.path.join(out, "blobs", "sha256")
    os.makedirs(blobs_dir)

    ann = {"org.opencontainers.image.ref.name": args.tag}
    if not args.index:
        desc, blob_bytes = write_image(blobs_dir, "amd64", sizes, args.seed, args.gzip_stored, 0)
        top = dict(desc, annotations=ann)
        children = []
    else:
        children, blob_bytes = [], 0
        for salt, arch in enumerate(("amd64", "arm64")):
            desc, n = write_image(blobs_dir, arch, sizes, args.seed, args.gzip_stored, salt)
            children.append(desc)
            blob_bytes += n
        image_index = {"schemaVersion": 2, "mediaType": MT_INDEX, "manifests": children}
        idx_digest, idx_size = write_bytes_blob(blobs_dir, canonical_json(image_index))
        blob_bytes += idx_size
        top = {"mediaType": MT_INDEX, "digest": idx_digest, "size": idx_size, "annotations": ann}

    layout_index = {"schemaVersion": 2, "mediaType": MT_INDEX, "manifests": [top]}
    with open(os.path.join(out, "index.json"), "wb") as f:
        f.write(canonical_json(layout_index))
    with open(os.path.join(out, "oci-layout"), "wb") as f:
        f.write(canonical_json({"imageLayoutVersion": "1.0.0"}))

    print("manifest=%s" % top["digest"])
    print("blob_bytes=%d" % blob_bytes)
    for c in children:
        print("child=%s" % c["digest"])


if __name__ == "__main__":
    main()
