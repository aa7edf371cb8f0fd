#include "cloud/image_command.h"

#include <algorithm>
#include <iostream>
#include <set>

#include "api/image.h"
#include "api_client.h"
#include "humanize.h"
#include "log.h"
#include "registry_client.h"

namespace kraft {
namespace {

struct ImageRef {
  std::string repo;    // "<user>/<name>"
  std::string tag;     // "" when absent
  std::string digest;  // "" when absent
};

// Splits "repo:tag" at the ':' after the last '/'.
void SplitTag(const std::string& ref, std::string* repo, std::string* tag) {
  size_t colon = ref.rfind(':');
  size_t slash = ref.rfind('/');
  if (colon == std::string::npos || (slash != std::string::npos && colon < slash)) {
    *repo = ref;
    tag->clear();
  } else {
    *repo = ref.substr(0, colon);
    *tag = ref.substr(colon + 1);
  }
}

// kraft cuts the argument to its last '/' segment and re-prefixes the token's user.
ImageRef ParseRemoveArg(const std::string& arg, const std::string& user) {
  std::string name = arg.substr(arg.rfind('/') == std::string::npos ? 0 : arg.rfind('/') + 1);
  ImageRef ref;
  if (size_t at = name.find('@'); at != std::string::npos) {
    ref.digest = name.substr(at + 1);
    name = name.substr(0, at);
  }
  SplitTag(name, &ref.repo, &ref.tag);
  ref.repo = user + "/" + ref.repo;
  return ref;
}

// The manifest digests one argument names (a digest, a tag, or every tag of the repository).
ukc::Status Digests(RegistryClient& reg, const ImageRef& ref, std::set<std::string>* digests) {
  if (!ref.digest.empty()) {
    digests->insert(ref.digest);
    return ukc::Status::Ok();
  }
  std::vector<std::string> tags = {ref.tag};
  if (ref.tag.empty()) {
    if (ukc::Status s = reg.ListTags(ref.repo, &tags); !s.ok()) return s;
    if (tags.empty()) return ukc::Status::NotFound(ref.repo + ": not found");
  }
  for (const auto& tag : tags) {
    std::string digest;
    if (ukc::Status s = reg.ResolveTag(ref.repo, tag, &digest); !s.ok()) return s;
    digests->insert(digest);
  }
  return ukc::Status::Ok();
}

// Deletes what one argument names; "not found" is only a warning, as in kraft.
bool RemoveOne(RegistryClient& reg, const ImageRef& ref, const std::string& arg) {
  std::set<std::string> digests;
  ukc::Status s = Digests(reg, ref, &digests);
  for (auto it = digests.begin(); s.ok() && it != digests.end(); ++it) {
    s = reg.DeleteManifest(ref.repo, *it);
  }
  if (s.kind() == ukc::Status::Kind::kNotFound) {
    LogWarn("image not found: " + arg);
    return true;
  }
  if (!s.ok()) {
    LogError("could not remove image " + arg + ": " + s.message());
    return false;
  }
  LogInfo("removed " + arg);
  return true;
}

int List(const CloudFlags& flags, bool all, const std::string& format) {
  CloudConnection conn;
  ApiResponse resp;
  ukc::Status s = ValidateFormat(format);
  if (s.ok()) s = Connect(flags, true, &conn);
  if (s.ok()) s = ApiClient(conn.base_url, conn.auth.token).Get("/images/list", "", &resp);
  if (!s.ok()) {
    LogError(s.kind() == ukc::Status::Kind::kInvalidArgument ||
                     s.kind() == ukc::Status::Kind::kUnauthenticated
                 ? s.message()
                 : "could not list images: " + s.message());
    return 1;
  }
  std::string fmt = format.empty() ? "table" : format;
  Render(fmt, ImageTable(resp.items, all, fmt == "table"), resp.body, std::cout);
  return 0;
}

// --all: every image whose digest starts with the account's user name.
ukc::Status OwnImages(const CloudConnection& conn, std::vector<ImageRef>* refs) {
  ApiResponse resp;
  ukc::Status s = ApiClient(conn.base_url, conn.auth.token).Get("/images/list", "", &resp);
  if (!s.ok()) return s;
  for (const auto& item : resp.items) {
    ukc::api::Image image = ukc::api::ImageFromJson(item);
    size_t at = image.digest.find('@');
    if (image.digest.rfind(conn.auth.creds.user + "/", 0) != 0 || at == std::string::npos) continue;
    refs->push_back({image.digest.substr(0, at), "", image.digest.substr(at + 1)});
  }
  return ukc::Status::Ok();
}

int Remove(const CloudFlags& flags, bool all, const std::vector<std::string>& names) {
  if (!all && names.empty()) {
    LogError("specify an image name or use the --all flag");
    return 1;
  }
  CloudConnection conn;
  ukc::Status s = Connect(flags, all, &conn);
  std::vector<ImageRef> refs;
  std::vector<std::string> args;
  if (s.ok() && all) s = OwnImages(conn, &refs);
  if (!s.ok()) {
    LogError(s.message());
    return 1;
  }
  args.reserve(args.size() + refs.size());
  for (const auto& ref : refs) args.push_back(ref.repo + "@" + ref.digest);
  for (const auto& name : names) {
    refs.push_back(ParseRemoveArg(name, conn.auth.creds.user));
    args.push_back(name);
  }
  RegistryClient reg(conn.registry, conn.auth.account, conn.auth.creds.secret);
  bool ok = true;
  for (size_t i = 0; i < refs.size(); ++i) ok = RemoveOne(reg, refs[i], args[i]) && ok;
  return ok ? 0 : 1;
}

}  // namespace

Table ImageTable(const nlohmann::json& images, bool all, bool table_format) {
  std::vector<ukc::api::Image> list;
  for (const auto& item : images) list.push_back(ukc::api::ImageFromJson(item));
  std::sort(list.begin(), list.end(), [](auto& a, auto& b) { return a.digest < b.digest; });
  Table t;
  t.headers = table_format ? std::vector<std::string>{"NAME", "VERSION", "SIZE"}
                           : std::vector<std::string>{"NAME",        "VERSION", "APP ARGS",
                                                      "KERNEL ARGS", "LABELS",  "SIZE"};
  for (const auto& image : list) {
    if (image.tags.empty()) continue;
    std::string name, tag;
    std::vector<std::string> versions;
    for (const auto& full : image.tags) {
      SplitTag(full, &name, &tag);
      versions.push_back(tag.empty() ? "latest" : tag);
    }
    if (!all && name.find('/') == std::string::npos) continue;  // official
    std::sort(versions.begin(), versions.end());
    std::string version, labels;
    for (const auto& v : versions) version.append(version.empty() ? "" : ", ").append(v);
    for (const auto& [k, v] : image.labels) {
      labels.append(labels.empty() ? "" : ", ").append(k).append("=").append(v);
    }
    std::string size = HumanBytes(static_cast<uint64_t>(std::max<int64_t>(0, image.size_in_bytes)));
    if (table_format) {
      t.rows.push_back({name, version, size});
    } else {
      t.rows.push_back({name, version, image.args, image.kernel_args, labels, size});
    }
  }
  return t;
}

void AddImageCommand(CLI::App& cloud, const CloudFlags& flags, int* exit_code) {
  CLI::App* img = cloud.add_subcommand("img", "Manage images on Unikraft Cloud");
  img->alias("image");
  img->require_subcommand(1);

  CLI::App* list = img->add_subcommand("list", "List all images at a metro for your account");
  list->alias("ls");
  auto list_all = std::make_shared<bool>(false);
  auto format = std::make_shared<std::string>("table");
  list->add_flag("--all", *list_all, "Show all images, including official ones");
  list->add_option("-o,--output", *format, "Set output format (table, list, json, yaml, raw)");
  list->callback([=, &flags] { *exit_code = List(flags, *list_all, *format); });

  CLI::App* rm = img->add_subcommand("remove", "Remove an image");
  rm->alias("rm");
  rm->alias("delete");
  rm->alias("del");
  auto rm_all = std::make_shared<bool>(false);
  auto names = std::make_shared<std::vector<std::string>>();
  rm->add_flag("--all", *rm_all, "Remove all images");
  rm->add_option("names", *names, "[USER/]NAME[:TAG|@sha256:DIGEST]");
  rm->callback([=, &flags] { *exit_code = Remove(flags, *rm_all, *names); });
}

}  // namespace kraft
