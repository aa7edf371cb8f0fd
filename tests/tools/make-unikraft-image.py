#!/usr/bin/env python3
"""make-unikraft-image.py: write a kraftkit-format OCI image layout (reference/image-format.md §1).

  make-unikraft-image.py OUT_DIR --kernel FILE [--initrd FILE]... [--tag latest]
                         [--cmd ARG]... [--env K=V]... [--workdir DIR] [--os kraftcloud]
                         [--no-kernel]

Layout: index.json → OCI image index (one manifest, platform os/x86_64) → image manifest →
config (Cmd/Env/WorkingDir) + kernel layer + initrd layer. Each layer is an uncompressed tar
holding exactly one file (unikraft/bin/kernel, unikraft/bin/initrd), identified by the
descriptor annotation org.unikraft.kernel.image / org.unikraft.kernel.initrd.
--no-kernel writes the kernel layer without its annotation (an image with no kernel layer).
Push with: skopeo copy --all oci:OUT_DIR:TAG docker://REGISTRY/REPO:TAG
"""
import argparse, hashlib, io, json, os, tarfile

def blob(out, data):
    digest = hashlib.sha256(data).hexdigest()
    path = os.path.join(out, "blobs", "sha256", digest)
    with open(path, "wb") as f:
        f.write(data)
    return "sha256:" + digest, len(data)

def single_file_tar(name, data):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        info = tarfile.TarInfo(name)
        info.size, info.mode, info.mtime = len(data), 0o755, 0
        tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()

def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--kernel", required=True)
    p.add_argument("--initrd", action="append", default=[],
                   help="an initrd layer; several overlay in order (a runtime's, then an app's)")
    p.add_argument("--tag", default="latest")
    p.add_argument("--cmd", action="append", default=[])
    p.add_argument("--kernel-arg", action="append", default=[],
                   help="kernel parameter; stored in Cmd before a '--' separator, as kraftkit does")
    p.add_argument("--env", action="append", default=[])
    p.add_argument("--workdir", default="")
    p.add_argument("--os", default="kraftcloud")
    p.add_argument("--no-kernel", action="store_true")
    a = p.parse_args()
    os.makedirs(os.path.join(a.out, "blobs", "sha256"), exist_ok=True)
    layers = []
    parts = [("kernel", a.kernel, "org.unikraft.kernel.image")]
    parts += [("initrd", path, "org.unikraft.kernel.initrd") for path in a.initrd]
    for role, path, key in parts:
        if not path:
            continue
        name = "unikraft/bin/" + role
        digest, size = blob(a.out, single_file_tar(name, open(path, "rb").read()))
        d = {"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": digest, "size": size}
        if not (role == "kernel" and a.no_kernel):
            d["annotations"] = {key: "/" + name}
        layers.append(d)
    platform = {"architecture": "x86_64", "os": a.os}
    config = {"architecture": "x86_64", "os": a.os,
              "config": {"Cmd": (a.kernel_arg + ["--"] if a.kernel_arg else []) + a.cmd,
                         "Env": a.env, "WorkingDir": a.workdir},
              "rootfs": {"type": "layers", "diff_ids": [l["digest"] for l in layers]}}
    cdigest, csize = blob(a.out, json.dumps(config).encode())
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                           "digest": cdigest, "size": csize},
                "layers": layers, "annotations": {"sh.kraftkit.version": "ukc-emu-test"}}
    mdigest, msize = blob(a.out, json.dumps(manifest).encode())
    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
             "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                            "digest": mdigest, "size": msize, "platform": platform}]}
    idigest, isize = blob(a.out, json.dumps(index).encode())
    layout_index = {"schemaVersion": 2, "manifests": [{
        "mediaType": "application/vnd.oci.image.index.v1+json", "digest": idigest, "size": isize,
        "annotations": {"org.opencontainers.image.ref.name": a.tag}}]}
    with open(os.path.join(a.out, "index.json"), "w") as f:
        json.dump(layout_index, f)
    with open(os.path.join(a.out, "oci-layout"), "w") as f:
        json.dump({"imageLayoutVersion": "1.0.0"}, f)
    print(idigest)

if __name__ == "__main__":
    main()
