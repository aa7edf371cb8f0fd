#include "cloud/deploy_name.h"

#include <cctype>

namespace kraft {
namespace {

bool StripPrefix(std::string* s, const std::string& prefix) {
  if (prefix.empty() || s->rfind(prefix, 0) != 0) return false;
  s->erase(0, prefix.size());
  return true;
}

// "http://127.0.0.1:7000/" → "127.0.0.1:7000".
std::string RegistryHost(std::string registry) {
  if (size_t scheme = registry.find("://"); scheme != std::string::npos) {
    registry.erase(0, scheme + 3);
  }
  while (!registry.empty() && registry.back() == '/') registry.pop_back();
  return registry;
}

}  // namespace

std::string SanitizeImageName(const std::string& name) {
  std::string out;
  for (char c : name) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '.') continue;
    if (std::isalnum(u)) {
      out += static_cast<char>(std::tolower(u));
    } else if (c == '_' || c == '-') {
      out += c;
    } else {
      out += '-';
    }
  }
  size_t first = out.find_first_not_of("-_");
  if (first == std::string::npos) return "";
  size_t last = out.find_last_not_of("-_");
  return out.substr(first, last - first + 1);
}

ukc::Status DeployImageNameFor(const std::string& name, const std::string& token_user,
                               const std::string& registry, DeployImageName* out) {
  std::string rest = name;
  for (const std::string& prefix : {std::string("index.unikraft.io/"), std::string("unikraft.io/"),
                                    RegistryHost(registry) + "/"}) {
    if (StripPrefix(&rest, prefix)) break;
  }
  out->user = token_user;
  if (size_t slash = rest.find('/'); slash != std::string::npos) {
    out->user = rest.substr(0, slash);
    rest.erase(0, slash + 1);
  }
  out->tag = "latest";
  if (size_t colon = rest.rfind(':'); colon != std::string::npos) {
    out->tag = rest.substr(colon + 1);
    rest.erase(colon);
  }
  std::string repo = SanitizeImageName(rest);
  if (repo.empty() || out->user.empty() || out->tag.empty()) {
    return ukc::Status::InvalidArgument("cannot derive an image name from \"" + name +
                                        "\": use --name or --image");
  }
  out->repository = out->user + "/" + repo;
  return ukc::Status::Ok();
}

}  // namespace kraft
