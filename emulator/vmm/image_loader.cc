#include "vmm/image_loader.h"

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "archive/tar_reader.h"
#include "oci/media_types.h"
#include "oci/names.h"
#include "store/data_dir.h"

namespace ukc::vmm {
namespace {

using nlohmann::json;

const char kMediaKernel[] = "application/vnd.unikraft.kernel.v1";
const char kMediaInitrd[] = "application/vnd.unikraft.initrd.v1";

bool IsIndex(const json& m) {
  std::string type = m.value("mediaType", "");
  return type == oci::kMediaTypeOciIndex || type == oci::kMediaTypeDockerManifestList ||
         (type.empty() && m.contains("manifests"));
}

// The child for kraftcloud/qemu/fc on x86_64, in that order of preference.
std::string PickPlatform(const json& index) {
  const std::vector<std::string> oses = {"kraftcloud", "qemu", "fc"};
  for (const auto& os : oses) {
    for (const auto& d : index.value("manifests", json::array())) {
      json p = d.value("platform", json::object());
      std::string arch = p.value("architecture", "");
      if (p.value("os", "") == os && (arch == "x86_64" || arch == "amd64")) {
        return d.value("digest", "");
      }
    }
  }
  return "";
}

bool HasAnnotation(const json& layer, const char* key) {
  return layer.contains("annotations") && layer["annotations"].is_object() &&
         layer["annotations"].contains(key);
}

bool LooksLikeTar(const std::filesystem::path& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char magic[5] = {};
  bool tar = pread(fd, magic, 5, 257) == 5 && std::string(magic, 5) == "ustar";
  close(fd);
  return tar;
}

std::vector<std::string> Strings(const json& config, const char* key) {
  std::vector<std::string> out;
  if (config.contains(key) && config[key].is_array()) {
    for (const auto& v : config[key]) {
      if (v.is_string()) out.push_back(v.get<std::string>());
    }
  }
  return out;
}

void FillFromConfig(const json& config_doc, LoadedImage* out) {
  json c = config_doc.value("config", json::object());
  if (!c.is_object()) return;
  out->cmd = Strings(c, "Cmd");
  auto sep = std::find(out->cmd.begin(), out->cmd.end(), "--");
  if (sep != out->cmd.end()) out->cmd.erase(out->cmd.begin(), sep + 1);
  out->env = Strings(c, "Env");
  if (c.contains("WorkingDir") && c["WorkingDir"].is_string()) out->working_dir = c["WorkingDir"];
  if (c.contains("Labels") && c["Labels"].is_object()) {
    for (const auto& [k, v] : c["Labels"].items()) {
      if (v.is_string()) out->labels[k] = v.get<std::string>();
    }
  }
}

}  // namespace

Status ParseImageReference(const std::string& image, std::string* repository,
                           std::string* reference) {
  auto at = image.find('@');
  if (at != std::string::npos) {
    *repository = image.substr(0, at);
    *reference = image.substr(at + 1);
    if (!oci::Digest::Parse(*reference)) {
      return Status::InvalidArgument("bad digest in image reference '" + image + "'");
    }
  } else {
    auto colon = image.rfind(':');
    bool has_tag = colon != std::string::npos && image.find('/', colon) == std::string::npos;
    *repository = has_tag ? image.substr(0, colon) : image;
    *reference = has_tag ? image.substr(colon + 1) : "latest";
    if (!oci::IsValidTag(*reference)) {
      return Status::InvalidArgument("bad tag in image reference '" + image + "'");
    }
  }
  if (!oci::IsValidRepositoryName(*repository)) {
    return Status::InvalidArgument("bad repository name in image reference '" + image + "'");
  }
  return Status::Ok();
}

Status ImageLoader::ReadManifestJson(const std::string& repository, const std::string& reference,
                                     std::string* digest, std::string* body) {
  std::optional<registry::ManifestRecord> record;
  if (auto d = oci::Digest::Parse(reference)) {
    record = store_->metadata().FindManifest(repository, *d);
  } else {
    record = store_->metadata().FindTag(repository, reference);
  }
  std::string sep = oci::Digest::Parse(reference) ? "@" : ":";
  if (!record) return Status::NotFound("image " + repository + sep + reference + " not found");
  *digest = record->digest.ToString();
  return store_->ReadManifest(*record, body);
}

Status ImageLoader::Extract(const std::string& repository, const std::string& digest,
                            const std::string& media_type, const std::string& role,
                            std::filesystem::path* out) {
  auto d = oci::Digest::Parse(digest);
  if (!d || !store_->metadata().LinkedBlob(repository, *d)) {
    return Status::NotFound(role + " layer " + digest + " is not in " + repository);
  }
  auto dir = cache_dir_ / (std::string(d->AlgorithmName()) + "-" + d->hex);
  *out = dir / role;
  std::error_code ec;
  if (std::filesystem::exists(*out, ec)) return Status::Ok();
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create " + dir.string());
  auto blob = store_->blobs().PathFor(*d);
  auto temp = dir / (role + ".tmp." + std::to_string(getpid()));
  Status s;
  if (media_type.starts_with("application/vnd.unikraft.") && !LooksLikeTar(blob)) {
    std::filesystem::copy_file(blob, temp, std::filesystem::copy_options::overwrite_existing, ec);
    if (ec) s = Status::IoError("copy " + blob.string() + ": " + ec.message());
  } else {
    s = archive::ExtractSingleFile(blob, temp);
    if (!s.ok()) s = Status::Corruption(role + " layer " + digest + ": " + s.message());
  }
  if (s.ok()) {
    std::filesystem::rename(temp, *out, ec);
    if (ec) s = Status::IoError("rename into " + out->string() + ": " + ec.message());
  }
  if (!s.ok()) std::filesystem::remove(temp, ec);
  return s;
}

Status ImageLoader::Load(const std::string& repository, const std::string& reference,
                         LoadedImage* out) {
  std::string digest, body;
  if (Status s = ReadManifestJson(repository, reference, &digest, &body); !s.ok()) return s;
  json m = json::parse(body, nullptr, false);
  std::string name = repository + (reference.starts_with("sha") ? "@" : ":") + reference;
  if (m.is_object() && IsIndex(m)) {
    std::string child = PickPlatform(m);
    if (child.empty()) {
      return Status::NotFound("image " + name + " has no manifest for kraftcloud|qemu|fc/x86_64");
    }
    if (Status s = ReadManifestJson(repository, child, &digest, &body); !s.ok()) return s;
    m = json::parse(body, nullptr, false);
  }
  if (!m.is_object() || !m.contains("layers")) {
    return Status::InvalidArgument("image " + name + " is not an image manifest");
  }
  *out = LoadedImage{};
  out->manifest_digest = digest;
  std::string kernel_digest, kernel_type, initrd_digest, initrd_type;
  for (const auto& layer : m.value("layers", json::array())) {
    std::string type = layer.value("mediaType", "");
    if (HasAnnotation(layer, oci::kAnnotationKernelPath) || type == kMediaKernel) {
      kernel_digest = layer.value("digest", ""), kernel_type = type;
    } else if (HasAnnotation(layer, oci::kAnnotationInitrdPath) || type == kMediaInitrd) {
      initrd_digest = layer.value("digest", ""), initrd_type = type;
    }
  }
  if (kernel_digest.empty()) {
    return Status::InvalidArgument("image " + name +
                                   " has no kernel layer (annotation org.unikraft.kernel.image)");
  }
  if (Status s = Extract(repository, kernel_digest, kernel_type, "kernel", &out->kernel); !s.ok()) {
    return s;
  }
  if (!initrd_digest.empty()) {
    Status s = Extract(repository, initrd_digest, initrd_type, "initrd", &out->initrd);
    if (!s.ok()) return s;
  }
  std::string config_digest = m.value("config", json::object()).value("digest", "");
  std::string config_body;
  if (auto d = oci::Digest::Parse(config_digest);
      d && store_->blobs().Read(*d, &config_body).ok()) {
    json config = json::parse(config_body, nullptr, false);
    if (config.is_object()) FillFromConfig(config, out);
  }
  return Status::Ok();
}

}  // namespace ukc::vmm
