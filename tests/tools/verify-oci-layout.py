#!/usr/bin/env python3
"""Verify an OCI image layout, e.g. one pulled back by `skopeo copy ... oci:DIR:TAG`.

Usage:
  verify-oci-layout.py DIR [--tag TAG] [--expect-manifest sha256:HEX]
                           [--same-blobs-as SRC_DIR [--src-tag TAG]]

Checks, exiting non-zero with a message on the first failure:
  * DIR/oci-layout exists and index.json lists at least one manifest (with --tag:
    exactly one carries org.opencontainers.image.ref.name=TAG; only that one is
    checked);
  * every manifest reachable from there (an image index's children included,
    recursively), its config and all its layers exist under blobs/sha256/<hex>,
    have the size their descriptor states, and hash to their name;
  * every other file under blobs/sha256/ also hashes to its name;
  * --expect-manifest: the top-level manifest digest is exactly this;
  * --same-blobs-as: DIR references exactly the same set of blob digests (top
    manifest, child manifests, configs, layers) as SRC_DIR does -- true when a
    round trip preserved every byte.

Prints `verified_blobs=N verified_bytes=B manifest=sha256:...` on success.
Stdlib only.
"""

import argparse
import hashlib
import json
import os
import sys

CHUNK = 1 << 20
REF_NAME = "org.opencontainers.image.ref.name"


def fail(msg):
    sys.exit("verify-oci-layout: FAIL: " + msg)


def blob_path(root, digest):
    alg, _, hexd = digest.partition(":")
    if alg != "sha256" or len(hexd) != 64 or not all(c in "0123456789abcdef" for c in hexd):
        fail("unsupported or malformed digest %r" % digest)
    return os.path.join(root, "blobs", alg, hexd)


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            h.update(block)
    return "sha256:" + h.hexdigest()


def check_descriptor(root, desc, seen):
    digest, size = desc["digest"], desc["size"]
    path = blob_path(root, digest)
    if not os.path.isfile(path):
        fail("%s: missing blob %s" % (root, digest))
    if os.path.getsize(path) != size:
        fail("%s: blob %s is %d bytes, descriptor says %d"
             % (root, digest, os.path.getsize(path), size))
    if digest not in seen:
        actual = sha256_of(path)
        if actual != digest:
            fail("%s: blob %s hashes to %s" % (root, digest, actual))
        seen[digest] = size
    return path


def walk_manifest(root, desc, seen, depth=0):
    if depth > 4:
        fail("index nesting too deep")
    with open(check_descriptor(root, desc, seen), "rb") as f:
        manifest = json.load(f)
    if "manifests" in manifest:
        if not manifest["manifests"]:
            fail("%s: image index %s lists no manifests" % (root, desc["digest"]))
        for child in manifest["manifests"]:
            walk_manifest(root, child, seen, depth + 1)
        return
    check_descriptor(root, manifest["config"], seen)
    for layer in manifest.get("layers", []):
        check_descriptor(root, layer, seen)


def referenced_blobs(root, tag):
    """Verify the layout; return (dict digest->size, list of top manifest digests)."""
    if not os.path.isfile(os.path.join(root, "oci-layout")):
        fail("%s/oci-layout missing" % root)
    with open(os.path.join(root, "index.json")) as f:
        index = json.load(f)
    manifests = index.get("manifests") or []
    if tag is not None:
        manifests = [m for m in manifests if (m.get("annotations") or {}).get(REF_NAME) == tag]
        if len(manifests) != 1:
            fail("%s/index.json has %d entries tagged %r" % (root, len(manifests), tag))
    if not manifests:
        fail("%s/index.json lists no manifests" % root)
    seen = {}
    for mdesc in manifests:
        walk_manifest(root, mdesc, seen)
    return seen, [m["digest"] for m in manifests]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir")
    ap.add_argument("--tag")
    ap.add_argument("--expect-manifest")
    ap.add_argument("--same-blobs-as")
    ap.add_argument("--src-tag")
    args = ap.parse_args()

    seen, manifest_digests = referenced_blobs(args.dir, args.tag)
    blobs_dir = os.path.join(args.dir, "blobs", "sha256")
    for name in os.listdir(blobs_dir):
        digest = "sha256:" + name
        if digest not in seen:
            actual = sha256_of(os.path.join(blobs_dir, name))
            if actual != digest:
                fail("stray blob %s hashes to %s" % (digest, actual))

    if args.expect_manifest and manifest_digests != [args.expect_manifest]:
        fail("manifest digests %s, expected [%s]" % (manifest_digests, args.expect_manifest))
    if args.same_blobs_as:
        src_seen, _ = referenced_blobs(args.same_blobs_as, args.src_tag)
        if set(src_seen) != set(seen):
            only_src = sorted(set(src_seen) - set(seen))
            only_dst = sorted(set(seen) - set(src_seen))
            fail("blob sets differ: only in source %s, only in copy %s" % (only_src, only_dst))

    print("verified_blobs=%d verified_bytes=%d manifest=%s"
          % (len(seen), sum(seen.values()), ",".join(manifest_digests)))


if __name__ == "__main__":
    main()
