#!/usr/bin/env python3
"""Writes the test content of the OCI distribution-spec v1.1.1 conformance suite
(conformance/setup.go) into DIR, plus DIR/fx.env with their digests and sizes.

Mirrors setup.go: configs[0..4] (unique config blobs), one gzip'd tar layer,
manifests[0..4] (config descriptor carrying `data` and an unknown field), the
no-layer manifest, testBlobA (42 random bytes), testBlobB (42 random bytes, pushed in
two chunks), the empty JSON blob, the referrer blobs/manifests A/B (config-typed and
artifactType-typed), C (dangling subject manifests[3]) and the referrers index.
JSON is encoded like Go's json.MarshalIndent(v, "", "\t").
"""
import base64
import gzip
import hashlib
import io
import json
import os
import random
import sys
import tarfile

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = random.Random(20250123)
env = {}

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
EMPTY_JSON = "application/vnd.oci.empty.v1+json"


def digest(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()


def gojson(v):
    return json.dumps(v, indent="\t", separators=(",", ": ")).encode()


def save(name, data, var=None):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)
    if var:
        env[var + "_FILE"] = os.path.join(out, name)
        env[var + "_DIGEST"] = digest(data)
        env[var + "_SIZE"] = str(len(data))
    return data


def desc(mt, data):
    return {"mediaType": mt, "digest": digest(data), "size": len(data)}


letters = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-"
configs = []
for i in range(5):
    author = "".join(rng.choice(letters) for _ in range(16))
    cfg = gojson({"author": author, "architecture": "amd64", "os": "linux",
                  "rootfs": {"type": "layers", "diff_ids": []}})
    configs.append(save(f"config{i}.json", cfg, f"CONFIG{i}"))

# layer: a small gzip'd tar (setup.go decodes a fixed base64 tar.gz)
tbuf = io.BytesIO()
with tarfile.open(fileobj=tbuf, mode="w") as tf:
    payload = b"conformance layer\n"
    ti = tarfile.TarInfo("hello.txt")
    ti.size = len(payload)
    ti.mtime = 0
    tf.addfile(ti, io.BytesIO(payload))
gbuf = io.BytesIO()
with gzip.GzipFile(fileobj=gbuf, mode="wb", mtime=0) as gz:
    gz.write(tbuf.getvalue())
layer = save("layer.tar.gz", gbuf.getvalue(), "LAYER")
layers = [desc(OCI_LAYER, layer)]


def cfg_desc(cfg):
    d = desc(OCI_CONFIG, cfg)
    d["data"] = base64.b64encode(cfg).decode()            # must be the config content
    d["newUnspecifiedField"] = base64.b64encode(b"hello world").decode()
    return d


manifests = []
for i in range(5):
    m = gojson({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                "config": cfg_desc(configs[i]), "layers": layers})
    manifests.append(save(f"manifest{i}.json", m, f"MANIFEST{i}"))

save("emptylayer_manifest.json",
     gojson({"schemaVersion": 2, "config": cfg_desc(configs[1]), "layers": []}),
     "EMPTYLAYER_MANIFEST")

save("blobA.bin", bytes(rng.getrandbits(8) for _ in range(42)), "BLOBA")
blob_b = save("blobB.bin", bytes(rng.getrandbits(8) for _ in range(42)), "BLOBB")
half = len(blob_b) // 2 + 1
save("blobB.chunk1", blob_b[:half])
save("blobB.chunk2", blob_b[half:])
env["BLOBB_CHUNK1_FILE"] = os.path.join(out, "blobB.chunk1")
env["BLOBB_CHUNK2_FILE"] = os.path.join(out, "blobB.chunk2")
env["BLOBB_CHUNK1_LENGTH"] = str(half)
env["BLOBB_CHUNK2_LENGTH"] = str(len(blob_b) - half)
env["BLOBB_CHUNK1_RANGE"] = f"0-{half - 1}"
env["BLOBB_CHUNK2_RANGE"] = f"{half}-{len(blob_b) - 1}"

empty_json = save("empty.json", b"{}", "EMPTYJSON")
ref_a = save("refblobA.bin", b"NHL Peanut Butter on my NHL bagel", "REFBLOBA")
ref_b = save("refblobB.bin", b"NBA Strawberry Jam on my NBA croissant", "REFBLOBB")
TYPE_A = "application/vnd.nhl.peanut.butter.bagel"
TYPE_B = "application/vnd.nba.strawberry.jam.croissant"
TYPE_INDEX = "application/vnd.food.stand"
ANN = "org.opencontainers.conformance.test"
env["ARTIFACT_TYPE_A"] = TYPE_A
env["ARTIFACT_TYPE_B"] = TYPE_B
env["ANNOTATION_KEY"] = ANN
empty_desc = desc(EMPTY_JSON, empty_json)
subject4 = desc(OCI_MANIFEST, manifests[4])
subject3 = desc(OCI_MANIFEST, manifests[3])
annotations = {}


def artifact(name, var, body, note=None):
    if note:
        body["annotations"] = {ANN: note}
    data = save(name, gojson(body), var)
    if note:
        annotations[digest(data)] = note
    return data


a_cfg = artifact("refsA_config.json", "REFS_A_CONFIG",
                 {"schemaVersion": 2, "mediaType": OCI_MANIFEST, "config": desc(TYPE_A, ref_a),
                  "layers": [empty_desc], "subject": subject4}, "test config a")
b_cfg = artifact("refsB_config.json", "REFS_B_CONFIG",
                 {"schemaVersion": 2, "mediaType": OCI_MANIFEST, "config": desc(TYPE_B, ref_b),
                  "layers": [empty_desc], "subject": subject4}, "test config b")
a_lay = artifact("refsA_layer.json", "REFS_A_LAYER",
                 {"schemaVersion": 2, "mediaType": OCI_MANIFEST, "artifactType": TYPE_A,
                  "config": empty_desc, "layers": [desc(TYPE_A, ref_a)], "subject": subject4},
                 "test layer a")
b_lay = artifact("refsB_layer.json", "REFS_B_LAYER",
                 {"schemaVersion": 2, "mediaType": OCI_MANIFEST, "artifactType": TYPE_B,
                  "config": empty_desc, "layers": [desc(TYPE_B, ref_b)], "subject": subject4},
                 "test layer b")
artifact("refsC_layer.json", "REFS_C_LAYER",
         {"schemaVersion": 2, "mediaType": OCI_MANIFEST, "artifactType": TYPE_B,
          "config": empty_desc, "layers": [desc(TYPE_B, ref_b)], "subject": subject3})
artifact("refs_index.json", "REFS_INDEX",
         {"schemaVersion": 2, "mediaType": OCI_INDEX, "artifactType": TYPE_INDEX,
          "manifests": [desc(OCI_MANIFEST, a_cfg), desc(OCI_MANIFEST, a_lay)],
          "subject": subject4}, "test index")
with open(os.path.join(out, "annotations.json"), "w") as f:
    json.dump(annotations, f)
env["ANNOTATIONS_FILE"] = os.path.join(out, "annotations.json")

# dummyDigest = FromString("hello world")
env["DUMMY_DIGEST"] = digest(b"hello world")

with open(os.path.join(out, "fx.env"), "w") as f:
    for k, v in sorted(env.items()):
        f.write(f"FX_{k}='{v}'\n")
