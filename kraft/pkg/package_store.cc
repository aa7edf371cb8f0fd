#include "pkg/package_store.h"

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/rfc3339.h"
#include "oci/digest.h"
#include "oci/media_types.h"

namespace kraft {
namespace fs = std::filesystem;
using nlohmann::json;
using ukc::Status;

namespace {

constexpr char kAnnotationRef[] = "org.opencontainers.image.ref.name";
constexpr char kAnnotationCreated[] = "org.opencontainers.image.created";
constexpr char kAnnotationUpdated[] = "sh.ukc-emu.updated";
constexpr char kAnnotationRuntime[] = "sh.ukc-emu.runtime.repository";

std::string Now() {
  using namespace std::chrono;
  return ukc::Rfc3339(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

Status ReadText(const fs::path& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + path.string());
  std::stringstream buf;
  buf << in.rdbuf();
  *out = buf.str();
  return Status::Ok();
}

json ReadIndex(const fs::path& dir) {
  std::string text;
  json index;
  if (ReadText(dir / "index.json", &text).ok()) index = json::parse(text, nullptr, false);
  if (!index.is_object()) index = {{"schemaVersion", 2}, {"manifests", json::array()}};
  if (!index["manifests"].is_array()) index["manifests"] = json::array();
  return index;
}

StoredPackage FromEntry(const json& e) {
  const json a = e.value("annotations", json::object());
  return {a.value(kAnnotationRef, ""),     e.value("digest", ""),
          e.value("size", uint64_t{0}),    a.value(kAnnotationCreated, ""),
          a.value(kAnnotationUpdated, ""), a.value(kAnnotationRuntime, "")};
}

}  // namespace

fs::path PackageStore::BlobPath(const std::string& digest) const {
  auto d = ukc::oci::Digest::Parse(digest);
  if (!d) return dir_ / "blobs" / "invalid";
  return dir_ / "blobs" / std::string(d->AlgorithmName()) / d->hex;
}

bool PackageStore::HasBlob(const std::string& digest) const {
  std::error_code ec;
  return fs::exists(BlobPath(digest), ec);
}

Status PackageStore::WriteAtomically(const fs::path& path, const std::string& bytes) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  fs::path temp = path;
  temp += ".tmp." + std::to_string(getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), bytes.size());
    if (!out) return Status::IoError("write " + temp.string());
  }
  fs::rename(temp, path, ec);
  if (ec) return Status::IoError("rename into " + path.string() + ": " + ec.message());
  return Status::Ok();
}

Status PackageStore::PutBlob(const std::string& bytes, std::string* digest) {
  *digest = ukc::oci::Digest::Sha256Of(bytes).ToString();
  if (HasBlob(*digest)) return Status::Ok();
  return WriteAtomically(BlobPath(*digest), bytes);
}

Status PackageStore::AdoptBlobFile(const fs::path& file, const std::string& digest) {
  std::error_code ec;
  fs::path target = BlobPath(digest);
  if (HasBlob(digest)) {
    fs::remove(file, ec);
    return Status::Ok();
  }
  fs::create_directories(target.parent_path(), ec);
  fs::rename(file, target, ec);
  if (ec) return Status::IoError("move " + file.string() + " into the store: " + ec.message());
  return Status::Ok();
}

Status PackageStore::ReadBlob(const std::string& digest, std::string* bytes) const {
  return ReadText(BlobPath(digest), bytes);
}

Status PackageStore::Put(StoredPackage package) {
  json index = ReadIndex(dir_);
  json kept = json::array();
  std::string now = Now();
  package.created = now;
  for (const auto& e : index["manifests"]) {
    StoredPackage old = FromEntry(e);
    if (old.reference == package.reference) {
      if (!old.created.empty()) package.created = old.created;
    } else {
      kept.push_back(e);
    }
  }
  json annotations = {{kAnnotationRef, package.reference},
                      {kAnnotationCreated, package.created},
                      {kAnnotationUpdated, now}};
  if (!package.runtime_repository.empty()) {
    annotations[kAnnotationRuntime] = package.runtime_repository;
  }
  kept.push_back({{"mediaType", ukc::oci::kMediaTypeOciIndex},
                  {"digest", package.index_digest},
                  {"size", package.index_size},
                  {"annotations", annotations}});
  index["manifests"] = kept;
  if (Status s = WriteAtomically(dir_ / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
      !s.ok()) {
    return s;
  }
  return WriteAtomically(dir_ / "index.json", index.dump());
}

Status PackageStore::List(std::vector<StoredPackage>* out) const {
  out->clear();
  const json index = ReadIndex(dir_);  // kept alive: the loop below reads into it
  for (const auto& e : index["manifests"]) out->push_back(FromEntry(e));
  return Status::Ok();
}

Status PackageStore::Find(const std::string& reference, StoredPackage* out) const {
  const json index = ReadIndex(dir_);
  for (const auto& e : index["manifests"]) {
    StoredPackage p = FromEntry(e);
    if (p.reference == reference) {
      *out = p;
      return Status::Ok();
    }
  }
  return Status::NotFound("no local package named " + reference + " (run kraft pkg first)");
}

}  // namespace kraft
