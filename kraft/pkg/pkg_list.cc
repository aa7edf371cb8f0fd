#include "pkg/pkg_list.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "cloud/service_print.h"
#include "humanize.h"
#include "log.h"
#include "output.h"
#include "pkg/package_app.h"
#include "pkg/package_name.h"
#include "pkg/package_store.h"

namespace kraft {
namespace {

using nlohmann::json;

std::string Short(const std::string& digest) {
  auto colon = digest.find(':');
  std::string hex = colon == std::string::npos ? digest : digest.substr(colon + 1);
  return hex.size() > 24 ? hex.substr(0, 24) + "..." : hex;
}

std::string When(const std::string& rfc3339, int64_t now) {
  int64_t then = 0;
  return ParseRfc3339(rfc3339, &then) ? HumanTime(then, now) : "";
}

// Manifest digest, platform and size (config + layers) of a stored index.
void Describe(const PackageStore& store, const std::string& index_digest, std::string* manifest,
              std::string* plat, uint64_t* size) {
  std::string text;
  if (!store.ReadBlob(index_digest, &text).ok()) return;
  json index = json::parse(text, nullptr, false);
  if (!index.is_object() || index.value("manifests", json::array()).empty()) return;
  const json entry = index["manifests"][0];
  *manifest = entry.value("digest", "");
  const json platform = entry.value("platform", json::object());
  *plat = platform.value("os", "") + "/" + platform.value("architecture", "");
  if (!store.ReadBlob(*manifest, &text).ok()) return;
  json m = json::parse(text, nullptr, false);
  if (!m.is_object()) return;
  *size = m.value("config", json::object()).value("size", uint64_t{0});
  for (const auto& l : m.value("layers", json::array())) *size += l.value("size", uint64_t{0});
}

}  // namespace

int ListPackages(bool all, std::ostream& out) {
  PackageStore store(DefaultPackageStoreDir());
  std::vector<StoredPackage> packages;
  if (ukc::Status s = store.List(&packages); !s.ok()) {
    LogError(s.message());
    return 1;
  }
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  Table table{{"TYPE", "NAME", "VERSION", "FORMAT", "CREATED", "UPDATED", "PULLED", "MANIFEST",
               "INDEX", "PLAT", "SIZE"},
              {}};
  for (const StoredPackage& p : packages) {
    ImageName name;
    if (!ParseImageName(p.reference, &name).ok()) continue;
    std::string manifest, plat;
    uint64_t size = 0;
    Describe(store, p.index_digest, &manifest, &plat, &size);
    table.rows.push_back({"app", name.Context(), name.Reference(), "oci", When(p.created, now),
                          When(p.updated, now), "", Short(manifest), Short(p.index_digest), plat,
                          HumanBytes(size)});
  }
  RenderTable(table, out, 4096, false);  // every column, as kraftkit prints them
  return 0;
}

}  // namespace kraft
