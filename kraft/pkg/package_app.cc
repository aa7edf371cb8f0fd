#include "pkg/package_app.h"

#include <unistd.h>

#include <cstdlib>
#include <optional>

#include "archive/tar_writer.h"
#include "auth/token.h"
#include "kraftfile/kraftfile.h"
#include "pkg/app_image.h"
#include "pkg/package_name.h"
#include "pkg/package_push.h"
#include "pkg/package_store.h"
#include "pkg/rootfs_build.h"
#include "pkg/runtime_image.h"

namespace kraft {
namespace fs = std::filesystem;
using ukc::Status;

namespace {

constexpr char kDefaultRuntime[] = "official/base:latest";

struct Project {
  Kraftfile kraftfile;
  bool has_kraftfile = false;
  std::string runtime;  // "official/python:3.12"
  fs::path rootfs;      // absolute, empty when none
  ImageName name;
};

void Report(const PackageOptions& o, const std::string& step, const std::string& detail,
            bool finished) {
  if (o.progress) o.progress({step, detail, 0, 0, finished});
}

Status LoadProject(const PackageOptions& o, Project* p) {
  fs::path workdir = fs::absolute(o.workdir.empty() ? fs::current_path() : o.workdir);
  Status s = LoadKraftfile(workdir, o.kraftfile, &p->kraftfile);
  if (s.ok()) p->has_kraftfile = true;
  if (!s.ok() && (s.kind() != Status::Kind::kNotFound || !o.kraftfile.empty())) return s;
  const Kraftfile& kf = p->kraftfile;
  p->runtime = !o.runtime.empty()              ? ResolveRuntimeReference(o.runtime)
               : !kf.runtime_reference.empty() ? kf.runtime_reference
                                               : kDefaultRuntime;
  if (!o.rootfs.empty()) {
    p->rootfs = fs::absolute(workdir / o.rootfs);
  } else if (!kf.rootfs_source.empty()) {
    p->rootfs = fs::absolute(kf.workdir / kf.rootfs_source);
  } else if (!p->has_kraftfile && fs::exists(workdir / "Dockerfile")) {
    p->rootfs = workdir / "Dockerfile";
  }
  std::string name = !o.name.empty()    ? o.name
                     : !kf.name.empty() ? kf.name
                                        : workdir.filename().string();
  std::string user = ukc::auth::UserFromAccount(o.registry.account);
  return ParsePackageName(name, user, &p->name);
}

// "K=V" entries: `over` replaces same-key entries of `base`; a bare "K" takes $K.
void MergeEnv(std::vector<std::string>* base, const std::vector<std::string>& over) {
  for (std::string kv : over) {
    if (kv.find('=') == std::string::npos) {
      const char* v = std::getenv(kv.c_str());
      kv += "=" + std::string(v ? v : "");
    }
    std::string key = kv.substr(0, kv.find('=') + 1);
    std::erase_if(*base, [&](const std::string& e) { return e.starts_with(key); });
    base->push_back(kv);
  }
}

Status AddInitrdLayer(PackageStore* store, const fs::path& rootfs, ukc::oci::LayerRef* layer) {
  fs::path temp = store->dir() / "blobs" / ("layer.tmp." + std::to_string(getpid()));
  std::error_code ec;
  fs::create_directories(temp.parent_path(), ec);
  ukc::archive::TarFileResult tar;
  Status s = ukc::archive::WriteSingleFileTar(rootfs, ukc::oci::kInitrdTarEntry, temp, &tar);
  if (!s.ok()) return s;
  *layer = ukc::oci::InitrdLayer(tar.digest, tar.size);
  return store->AdoptBlobFile(temp, tar.digest.ToString());
}

Status StoreImage(PackageStore* store, const AppImage& image, const Project& p,
                  const RuntimeImage& runtime) {
  std::string digest;
  for (const std::string* doc : {&image.config, &image.manifest, &image.index}) {
    if (Status s = store->PutBlob(*doc, &digest); !s.ok()) return s;
  }
  return store->Put(
      {p.name.Full(), image.index_digest, image.index.size(), "", "", runtime.repository});
}

Status Push(const PackageOptions& o, const PackageStore& store, const ImageName& name,
            const std::string& runtime_repository, PackageResult* r) {
  RegistrySession session(name.RegistryFor(o.registry.registry), o.registry.account,
                          o.registry.secret);
  return PushPackage(&session, store,
                     {name.repository, name.tag, r->index_digest, runtime_repository}, o.progress,
                     r);
}

}  // namespace

fs::path DefaultPackageStoreDir() {
  const char* xdg = std::getenv("XDG_DATA_HOME");
  const char* home = std::getenv("HOME");
  fs::path base = xdg && *xdg ? fs::path(xdg) : fs::path(home ? home : "/tmp") / ".local/share";
  return base / "kraftkit" / "runtime" / "oci";
}

namespace {

std::string RegistryOf(const PackageOptions& o) {
  return o.registry.registry.empty() ? kCloudRegistryHost : o.registry.registry;
}

Status MakeRootfs(const PackageOptions& o, const Project& p, RegistrySession* session,
                  RootfsResult* rootfs) {
  const Kraftfile& kf = p.kraftfile;
  Report(o, "building rootfs", p.rootfs.string(), false);
  fs::path base = p.has_kraftfile ? kf.workdir : fs::absolute(o.workdir);
  std::string type = !o.rootfs_type.empty()    ? o.rootfs_type
                     : !kf.rootfs_type.empty() ? kf.rootfs_type
                                               : "cpio";
  RootfsRequest req{p.rootfs,     type,           base / kf.outdir, base,
                    o.build_args, o.build_target, o.no_cache,       session};
  if (Status s = BuildRootfs(req, rootfs); !s.ok()) return s;
  Report(o, "building rootfs", rootfs->file.string(), true);
  return Status::Ok();
}

Status Prepare(const PackageOptions& o, Project* p, RegistrySession* session,
               RuntimeImage* runtime) {
  if (Status s = LoadProject(o, p); !s.ok()) return s;
  Report(o, "resolving runtime", p->runtime, false);
  if (Status s = FetchRuntimeImage(session, p->runtime, runtime); !s.ok()) return s;
  Report(o, "resolving runtime", p->runtime, true);
  return Status::Ok();
}

AppImageSpec SpecFor(const PackageOptions& o, const Project& p, const RuntimeImage& runtime,
                     const RootfsResult& rootfs) {
  const Kraftfile& kf = p.kraftfile;
  AppImageSpec spec{p.name.Context(), p.name.Full(), std::nullopt, {}, runtime.env, runtime.labels};
  spec.cmd = !o.args.empty()        ? o.args
             : !kf.cmd.empty()      ? kf.cmd
             : !runtime.cmd.empty() ? runtime.cmd
                                    : rootfs.args;
  MergeEnv(&spec.env, kf.env);
  MergeEnv(&spec.env, rootfs.env);
  MergeEnv(&spec.env, o.env);
  for (const auto& [k, v] : kf.labels) spec.labels[k] = v;
  for (const auto& [k, v] : o.labels) spec.labels[k] = v;
  return spec;
}

}  // namespace

Status BuildApp(const PackageOptions& o, PackageResult* r) {
  *r = PackageResult{};
  Project p;
  RegistrySession session(RegistryOf(o), o.registry.account, o.registry.secret);
  RuntimeImage runtime;
  if (Status s = Prepare(o, &p, &session, &runtime); !s.ok()) return s;
  r->reference = p.name.Full();
  r->runtime = p.runtime;
  if (p.rootfs.empty()) return Status::Ok();
  RootfsResult rootfs;
  if (Status s = MakeRootfs(o, p, &session, &rootfs); !s.ok()) return s;
  r->rootfs_file = rootfs.file;
  r->rootfs_size = rootfs.size;
  r->rootfs_reused = rootfs.reused;
  r->cmd = SpecFor(o, p, runtime, rootfs).cmd;
  return Status::Ok();
}

Status PackageApp(const PackageOptions& o, PackageResult* r) {
  *r = PackageResult{};
  Project p;
  RegistrySession session(RegistryOf(o), o.registry.account, o.registry.secret);
  RuntimeImage runtime;
  if (Status s = Prepare(o, &p, &session, &runtime); !s.ok()) return s;
  PackageStore store(o.store_dir.empty() ? DefaultPackageStoreDir() : o.store_dir);
  RootfsResult rootfs;
  std::optional<ukc::oci::LayerRef> app_layer;
  if (!p.rootfs.empty()) {
    if (Status s = MakeRootfs(o, p, &session, &rootfs); !s.ok()) return s;
    app_layer.emplace();
    if (Status s = AddInitrdLayer(&store, rootfs.file, &*app_layer); !s.ok()) return s;
  }
  AppImageSpec spec = SpecFor(o, p, runtime, rootfs);
  spec.app_initrd = app_layer;
  Report(o, "packaging", p.name.Full(), false);
  AppImage image = BuildAppImage(runtime, spec);
  if (Status s = StoreImage(&store, image, p, runtime); !s.ok()) return s;
  Report(o, "packaging", p.name.Full(), true);
  *r = {p.name.Full(),
        p.name.repository,
        p.name.tag,
        image.index_digest,
        image.manifest_digest,
        p.name.repository + "@" + image.index_digest,
        p.runtime,
        spec.cmd,
        spec.env,
        spec.labels,
        rootfs.file,
        rootfs.size,
        rootfs.reused,
        image.size};
  if (!o.push) return Status::Ok();
  return Push(o, store, p.name, runtime.repository, r);
}

Status PushStoredPackage(const std::string& name, const RegistryAccess& registry,
                         const fs::path& store_dir, const PackageProgressFn& progress,
                         PackageResult* r) {
  *r = PackageResult{};
  ImageName parsed;
  std::string user = ukc::auth::UserFromAccount(registry.account);
  if (Status s = ParsePackageName(name, user, &parsed); !s.ok()) return s;
  PackageStore store(store_dir.empty() ? DefaultPackageStoreDir() : store_dir);
  StoredPackage stored;
  if (Status s = store.Find(parsed.Full(), &stored); !s.ok()) return s;
  r->reference = parsed.Full();
  r->repository = parsed.repository;
  r->tag = parsed.tag;
  r->index_digest = stored.index_digest;
  r->image = parsed.repository + "@" + stored.index_digest;
  PackageOptions o;
  o.registry = registry;
  o.progress = progress;
  return Push(o, store, parsed, stored.runtime_repository, r);
}

}  // namespace kraft
