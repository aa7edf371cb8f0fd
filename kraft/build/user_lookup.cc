#include "build/user_lookup.h"

#include <fstream>
#include <sstream>
#include <vector>

#include "build/safe_path.h"

namespace kraft::build {
namespace {

bool IsNumber(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

// Finds `name` in a colon-separated database file of the rootfs; fields of the line.
bool FindEntry(const std::filesystem::path& rootfs, const std::string& file,
               const std::string& name, std::vector<std::string>* fields) {
  std::filesystem::path host;
  if (!ResolveInRoot(rootfs, file, true, &host).ok()) return false;
  std::ifstream in(host);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> f;
    std::stringstream ss(line);
    for (std::string x; std::getline(ss, x, ':');) f.push_back(x);
    if (f.size() >= 3 && f[0] == name) {
      *fields = f;
      return true;
    }
  }
  return false;
}

}  // namespace

ukc::Status LookupUser(const std::filesystem::path& rootfs, const std::string& spec, uid_t* uid,
                       gid_t* gid) {
  size_t colon = spec.find(':');
  std::string user = spec.substr(0, colon);
  std::string group = colon == std::string::npos ? "" : spec.substr(colon + 1);
  std::vector<std::string> f;
  if (IsNumber(user)) {
    *uid = static_cast<uid_t>(std::stoul(user));
  } else if (FindEntry(rootfs, "/etc/passwd", user, &f) && IsNumber(f[2])) {
    *uid = static_cast<uid_t>(std::stoul(f[2]));
  } else {
    return ukc::Status::NotFound("unable to find user " + user + " in the stage's /etc/passwd");
  }
  *gid = static_cast<gid_t>(*uid);  // Docker: no group → the same number as the uid
  if (group.empty()) return ukc::Status::Ok();
  if (IsNumber(group)) {
    *gid = static_cast<gid_t>(std::stoul(group));
  } else if (FindEntry(rootfs, "/etc/group", group, &f) && IsNumber(f[2])) {
    *gid = static_cast<gid_t>(std::stoul(f[2]));
  } else {
    return ukc::Status::NotFound("unable to find group " + group + " in the stage's /etc/group");
  }
  return ukc::Status::Ok();
}

}  // namespace kraft::build
