#include "pkg/package_name.h"

#include "oci/digest.h"
#include "oci/names.h"

namespace kraft {
using ukc::Status;

std::string ImageName::Context() const {
  return (host.empty() ? std::string(kCloudRegistryHost) : host) + "/" + repository;
}

std::string ImageName::Full() const {
  return Context() + (digest.empty() ? ":" + tag : "@" + digest);
}

std::string ImageName::RegistryFor(const std::string& configured) const {
  if (host.empty() || host == kCloudRegistryHost) return configured;
  return host;
}

Status ParseImageName(const std::string& input, ImageName* out) {
  *out = ImageName{};
  std::string name = input;
  if (name.starts_with("oci://")) name.erase(0, 6);
  if (name.empty()) return Status::InvalidArgument("empty image name");
  if (auto at = name.find('@'); at != std::string::npos) {
    out->digest = name.substr(at + 1);
    name.resize(at);
    if (!ukc::oci::Digest::Parse(out->digest)) {
      return Status::InvalidArgument("bad digest in image name '" + input + "'");
    }
  }
  auto slash = name.find('/');
  if (slash != std::string::npos) {
    std::string first = name.substr(0, slash);
    if (first.find_first_of(".:") != std::string::npos || first == "localhost") {
      out->host = first == "unikraft.io" ? kCloudRegistryHost : first;
      name.erase(0, slash + 1);
    }
  }
  auto colon = name.rfind(':');
  if (colon != std::string::npos && name.find('/', colon) == std::string::npos) {
    out->tag = name.substr(colon + 1);
    name.resize(colon);
  }
  if (out->tag.empty() && out->digest.empty()) out->tag = "latest";
  out->repository = name;
  if (!out->tag.empty() && !ukc::oci::IsValidTag(out->tag)) {
    return Status::InvalidArgument("bad tag in image name '" + input + "'");
  }
  if (!ukc::oci::IsValidRepositoryName(out->repository)) {
    return Status::InvalidArgument("bad repository in image name '" + input + "'");
  }
  return Status::Ok();
}

Status ParsePackageName(const std::string& name, const std::string& user, ImageName* out) {
  if (Status s = ParseImageName(name, out); !s.ok()) return s;
  if (out->repository.find('/') == std::string::npos) {
    if (user.empty()) {
      return Status::InvalidArgument("image name '" + name +
                                     "' has no namespace and no token user is known");
    }
    out->repository = user + "/" + out->repository;
  }
  return Status::Ok();
}

}  // namespace kraft
