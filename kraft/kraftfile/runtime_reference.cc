// ResolveRuntimeReference (kraftfile.h): §8.3 of kraft-cli.md, without the registry host.
#include <string_view>

#include "kraftfile/kraftfile.h"

namespace kraft {
namespace {

bool StripPrefix(std::string* s, std::string_view prefix) {
  if (s->compare(0, prefix.size(), prefix) != 0) return false;
  s->erase(0, prefix.size());
  return true;
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

}  // namespace

std::string ResolveRuntimeReference(const std::string& runtime) {
  std::string s = Trim(runtime);
  if (s.empty() || s.rfind("kernel://", 0) == 0) return "";
  StripPrefix(&s, "oci://");
  std::string digest;
  if (size_t at = s.find('@'); at != std::string::npos) {
    digest = s.substr(at);
    s.erase(at);
  }
  std::string tag;
  size_t slash = s.rfind('/');
  size_t colon = s.rfind(':');
  if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    tag = s.substr(colon + 1);
    s.erase(colon);
  }
  if (!StripPrefix(&s, "index.unikraft.io/") && !StripPrefix(&s, "unikraft.io/")) {
    StripPrefix(&s, "unikraft.org/");
  }
  if (s.find('/') == std::string::npos) s = "official/" + s;  // a bare name; others kept whole
  if (!tag.empty()) s += ":" + tag;
  if (!digest.empty()) return s + digest;
  if (tag.empty()) s += ":latest";
  return s;
}

}  // namespace kraft
