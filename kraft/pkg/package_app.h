// PackageApp: what `kraft pkg`, `kraft build` and `kraft cloud deploy` share (kraft-cli.md §6.2,
// §10; image-format.md §1, §2.4). One call:
//   1. project: the Kraftfile (discovered from `workdir`, or `kraftfile`) and the flags on top:
//      --runtime > Kraftfile runtime > official/base:latest; --rootfs > Kraftfile rootfs;
//      args: --args > Kraftfile cmd > the runtime's Cmd > Dockerfile ENTRYPOINT+CMD;
//      env: Kraftfile env + Dockerfile ENV + --env; labels: runtime's + Kraftfile + --label.
//   2. runtime: its index/manifest/config are read from the registry (never its layers).
//      Unknown runtime → NotFound "runtime official/x:y not found in <registry>".
//   3. rootfs → <workdir>/<outdir>/initramfs-x86_64.cpio (or .erofs): a Dockerfile through the
//      Dockerfile builder (FROM <image> is pulled from the registry), a directory, an existing
//      cpio, a tarball. Deterministic; an unchanged rootfs keeps the existing file and its digest.
//   4. image: the runtime manifest's layers adopted by digest + one appended app initrd layer
//      (tar of unikraft/bin/initrd, annotation org.unikraft.kernel.initrd), config os kraftcloud /
//      x86_64, index with kraftkit's annotations. Stored in the local package store
//      ($XDG_DATA_HOME/kraftkit/runtime/oci, an OCI image layout) under the full reference.
//   5. push (when `push`): blobs that the repository lacks (HEAD first; runtime layers mounted
//      from the runtime's repository; small blobs POST+PUT, big ones chunked PATCH), the
//      manifest by digest, then the index at the tag. Nothing is pushed unless 1–4 succeeded.
// Image names (§5.5): `name` else Kraftfile name else basename(workdir); a name without '/' gets
// the token user's namespace; tag "latest" unless given; "index.unikraft.io/…", "unikraft.io/…"
// and "<registry host>/…" prefixes name the configured registry.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "base/status.h"

namespace kraft {

// One progress report. `total` is 0 when unknown. Steps, in order: "resolving runtime",
// "building rootfs", "packaging", "pushing" (bytes = blob bytes uploaded so far).
struct PackageProgress {
  std::string step;
  std::string detail;  // e.g. "official/python:3.12", "sha256:…" of the blob being uploaded
  uint64_t done = 0;
  uint64_t total = 0;
  bool finished = false;  // last report of this step
};
using PackageProgressFn = std::function<void(const PackageProgress&)>;

// Where to read runtimes from and push to (CloudConnection's registry and token).
struct RegistryAccess {
  std::string registry;  // "127.0.0.1:7000", "index.unikraft.io" or a URL
  std::string account;   // Basic user: robot$<user>.users.kraftcloud ("" = anonymous)
  std::string secret;
};

struct PackageOptions {
  std::filesystem::path workdir;  // project directory (-w, or the deploy argument)
  std::string kraftfile;          // -K; "" = discover from workdir
  std::string name;               // --name / --image; "" = Kraftfile name / basename(workdir)
  std::string runtime;            // --runtime; "" = Kraftfile runtime, else base:latest
  std::string rootfs;             // --rootfs; "" = Kraftfile rootfs (may be none)
  std::string rootfs_type;        // "cpio" | "erofs" | "" (Kraftfile's, else cpio)
  std::vector<std::string> args;  // -a / deploy's trailing args; overrides cmd when non-empty
  std::vector<std::string> env;   // -e "K=V" (a bare "K" takes $K)
  std::map<std::string, std::string> labels;  // -l
  std::vector<std::string> build_args;        // --build-arg K=V (Dockerfile)
  std::string build_target;                   // --build-target (Dockerfile stage)
  bool no_cache = false;                      // -F: rebuild the rootfs even if unchanged
  bool push = false;                          // -P
  RegistryAccess registry;
  std::filesystem::path store_dir;  // "" = DefaultPackageStoreDir()
  PackageProgressFn progress;       // may be empty
};

struct PackageResult {
  std::string reference;         // full: "index.unikraft.io/local/app:latest"
  std::string repository;        // "local/app"
  std::string tag;               // "latest"
  std::string index_digest;      // "sha256:…" (what the tag points at)
  std::string manifest_digest;   // "sha256:…"
  std::string image;             // "local/app@sha256:<index>": what deploy creates from
  std::string runtime;           // "official/python:3.12"
  std::vector<std::string> cmd;  // the image's config.Cmd
  std::vector<std::string> env;
  std::map<std::string, std::string> labels;
  std::filesystem::path rootfs_file;  // .unikraft/build/initramfs-x86_64.cpio ("" if no rootfs)
  uint64_t rootfs_size = 0;
  bool rootfs_reused = false;  // the rootfs file was unchanged
  uint64_t size = 0;           // config + layers
  // Push statistics (push only).
  int blobs_uploaded = 0, blobs_mounted = 0, blobs_present = 0;
  uint64_t bytes_uploaded = 0;
};

// Steps 1–5 above. On error nothing is pushed and the local store keeps its previous state.
ukc::Status PackageApp(const PackageOptions& options, PackageResult* result);

// `kraft build`: steps 1–3 only (the runtime must exist; no image is made). Fills reference,
// runtime, rootfs_file/size/reused and cmd.
ukc::Status BuildApp(const PackageOptions& options, PackageResult* result);

// `kraft pkg push NAME`: pushes an image from the local store. `name` as in PackageOptions.
ukc::Status PushStoredPackage(const std::string& name, const RegistryAccess& registry,
                              const std::filesystem::path& store_dir,
                              const PackageProgressFn& progress, PackageResult* result);

// $XDG_DATA_HOME/kraftkit/runtime/oci, else $HOME/.local/share/kraftkit/runtime/oci.
std::filesystem::path DefaultPackageStoreDir();

// A renderer for `progress`: on a TTY one updating line per step ("[+] pushing … 42%"), else
// one plain log line per step start and end. Writes to stderr.
PackageProgressFn StderrProgress();

}  // namespace kraft
