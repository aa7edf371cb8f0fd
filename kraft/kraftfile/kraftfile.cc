// ParseKraftfile (kraftfile.h): YAML via yaml-cpp, one handler per top-level key, errors with
// the line of the offending node (yaml-cpp marks are 0-based).
#include "kraftfile/kraftfile.h"

#include <yaml-cpp/yaml.h>

#include <functional>
#include <set>

#include "kraftfile/shell_words.h"

namespace kraft {
namespace {

using ukc::Status;

struct Ctx {
  std::string file;
  Kraftfile* out;
  Status Error(const YAML::Node& node, const std::string& message) const {
    return Status::InvalidArgument(file + ":" + std::to_string(node.Mark().line + 1) + ": " +
                                   message);
  }
};

Status Scalar(const Ctx& c, const YAML::Node& n, const std::string& what, std::string* out) {
  if (n.IsNull()) {
    out->clear();
    return Status::Ok();
  }
  if (!n.IsScalar()) return c.Error(n, what + " must be a string");
  *out = n.Scalar();
  return Status::Ok();
}

// Rejects keys of mapping `n` outside `allowed`.
Status CheckKeys(const Ctx& c, const YAML::Node& n, const std::string& what,
                 const std::set<std::string>& allowed) {
  for (const auto& kv : n) {
    std::string key = kv.first.Scalar();
    if (!allowed.count(key)) return c.Error(kv.first, "unknown key \"" + key + "\" in " + what);
  }
  return Status::Ok();
}

// A {source, version, …} component or its string form; `source@version` style kept as written.
Status Component(const Ctx& c, const YAML::Node& n, const std::string& what, std::string* out) {
  if (!n.IsMap()) return Scalar(c, n, what, out);
  std::string source, version;
  for (const char* key : {"source", "name"}) {
    if (n[key] && source.empty()) {
      Status s = Scalar(c, n[key], what + "." + key, &source);
      if (!s.ok()) return s;
    }
  }
  if (n["version"]) {
    Status s = Scalar(c, n["version"], what + ".version", &version);
    if (!s.ok()) return s;
  }
  *out = version.empty() ? source : source + ":" + version;
  return Status::Ok();
}

Status RootfsType(const Ctx& c, const YAML::Node& map, std::string* type) {
  for (const char* key : {"type", "format"}) {
    if (!map[key]) continue;
    Status s = Scalar(c, map[key], std::string("rootfs ") + key, type);
    if (!s.ok()) return s;
    if (*type != "cpio" && *type != "erofs") {
      return c.Error(map[key], "unsupported rootfs " + std::string(key) + " \"" + *type +
                                   "\" (want cpio or erofs)");
    }
  }
  return Status::Ok();
}

Status ParseRootfs(const Ctx& c, const YAML::Node& n) {
  if (!n.IsMap()) return Scalar(c, n, "rootfs", &c.out->rootfs_source);
  Status s = CheckKeys(c, n, "rootfs", {"source", "type", "format"});
  if (s.ok() && n["source"]) s = Scalar(c, n["source"], "rootfs.source", &c.out->rootfs_source);
  if (s.ok()) s = RootfsType(c, n, &c.out->rootfs_type);
  return s;
}

Status ParseRoms(const Ctx& c, const YAML::Node& n) {
  if (!n.IsSequence()) return c.Error(n, "roms must be a list");
  for (const auto& item : n) {
    KraftfileRom rom;
    Status s = item.IsMap() ? CheckKeys(c, item, "roms", {"source", "type", "format"})
                            : Scalar(c, item, "rom", &rom.source);
    if (s.ok() && item.IsMap() && item["source"]) {
      s = Scalar(c, item["source"], "rom source", &rom.source);
    }
    if (s.ok() && item.IsMap()) s = RootfsType(c, item, &rom.type);
    if (!s.ok()) return s;
    c.out->roms.push_back(rom);
  }
  return Status::Ok();
}

Status ParseCmd(const Ctx& c, const YAML::Node& n) {
  if (n.IsNull()) return Status::Ok();
  if (n.IsScalar()) {
    Status s = SplitShellWords(n.Scalar(), &c.out->cmd);
    return s.ok() ? s : c.Error(n, "cmd: " + s.message());
  }
  if (!n.IsSequence()) return c.Error(n, "cmd must be a string or a list of strings");
  for (const auto& item : n) {
    if (!item.IsScalar()) return c.Error(item, "cmd entries must be strings");
    c.out->cmd.push_back(item.Scalar());
  }
  return Status::Ok();
}

Status ParseEnv(const Ctx& c, const YAML::Node& n) {
  if (n.IsNull()) return Status::Ok();
  if (n.IsMap()) {
    for (const auto& kv : n) {
      std::string value;
      Status s = Scalar(c, kv.second, "env value", &value);
      if (!s.ok()) return s;
      c.out->env.push_back(kv.first.Scalar() + "=" + value);
    }
    return Status::Ok();
  }
  if (!n.IsSequence()) return c.Error(n, "env must be a map or a list of K=V");
  for (const auto& item : n) {
    if (!item.IsScalar() || item.Scalar().empty() || item.Scalar()[0] == '=') {
      return c.Error(item, "env entries must be K=V strings");
    }
    c.out->env.push_back(item.Scalar());
  }
  return Status::Ok();
}

Status ParseLabels(const Ctx& c, const YAML::Node& n) {
  if (n.IsNull()) return Status::Ok();
  if (!n.IsMap()) return c.Error(n, "labels must be a map of strings");
  for (const auto& kv : n) {
    std::string value;
    Status s = Scalar(c, kv.second, "label \"" + kv.first.Scalar() + "\"", &value);
    if (!s.ok()) return s;
    c.out->labels[kv.first.Scalar()] = value;
  }
  return Status::Ok();
}

Status ParseVolume(const Ctx& c, const YAML::Node& item) {
  KraftfileVolume v;
  if (item.IsScalar()) {
    std::string spec = item.Scalar();
    size_t colon = spec.find(':');
    if (colon == std::string::npos) return c.Error(item, "volume \"" + spec + "\" needs src:dest");
    v.source = spec.substr(0, colon);
    v.destination = spec.substr(colon + 1);
    if (size_t ro = v.destination.find(':'); ro != std::string::npos) {
      v.read_only = v.destination.substr(ro + 1) == "ro";
      v.destination.erase(ro);
    }
  } else if (item.IsMap()) {
    Status s = CheckKeys(c, item, "volumes",
                         {"source", "destination", "driver", "readOnly", "readonly", "mode"});
    if (!s.ok()) return s;
    if (item["source"]) v.source = item["source"].as<std::string>("");
    if (item["destination"]) v.destination = item["destination"].as<std::string>("");
    if (item["driver"]) v.driver = item["driver"].as<std::string>("");
    for (const char* key : {"readOnly", "readonly"}) {
      if (item[key]) v.read_only = item[key].as<bool>(false);
    }
    if (item["mode"]) v.read_only = item["mode"].as<std::string>("") == "ro";
  } else {
    return c.Error(item, "volumes entries must be strings or maps");
  }
  c.out->volumes.push_back(v);
  return Status::Ok();
}

Status ParseVolumes(const Ctx& c, const YAML::Node& n) {
  if (n.IsNull()) return Status::Ok();
  if (!n.IsSequence()) return ParseVolume(c, n);
  for (const auto& item : n) {
    Status s = ParseVolume(c, item);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Status ParseTarget(const Ctx& c, const YAML::Node& item) {
  KraftfileTarget t;
  if (item.IsScalar()) {
    std::string spec = item.Scalar();
    size_t slash = spec.find('/');
    if (slash == std::string::npos)
      return c.Error(item, "target \"" + spec + "\" is not plat/arch");
    t.platform = spec.substr(0, slash);
    t.architecture = spec.substr(slash + 1);
  } else if (item.IsMap()) {
    Status s = CheckKeys(c, item, "targets",
                         {"name", "plat", "platform", "arch", "architecture", "kconfig"});
    if (!s.ok()) return s;
    if (item["name"]) t.name = item["name"].as<std::string>("");
    for (const char* k : {"plat", "platform"}) {
      if (item[k]) t.platform = item[k].as<std::string>("");
    }
    for (const char* k : {"arch", "architecture"}) {
      if (item[k]) t.architecture = item[k].as<std::string>("");
    }
  } else {
    return c.Error(item, "targets entries must be plat/arch strings or maps");
  }
  c.out->targets.push_back(t);
  return Status::Ok();
}

Status ParseTargets(const Ctx& c, const YAML::Node& n) {
  if (n.IsNull()) return Status::Ok();
  if (!n.IsSequence()) return c.Error(n, "targets must be a list");
  for (const auto& item : n) {
    Status s = ParseTarget(c, item);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Status ParseLibraries(const Ctx& c, const YAML::Node& n) {
  if (n.IsNull()) return Status::Ok();
  if (!n.IsMap()) return c.Error(n, "libraries must be a map");
  for (const auto& kv : n) {
    std::string source;
    Status s = Component(c, kv.second, "library " + kv.first.Scalar(), &source);
    if (!s.ok()) return s;
    c.out->libraries[kv.first.Scalar()] = source;
  }
  return Status::Ok();
}

using Handler = std::function<Status(const Ctx&, const YAML::Node&)>;

const std::map<std::string, Handler>& Handlers() {
  static const std::map<std::string, Handler> handlers = {
      {"spec",
       [](const Ctx& c, const YAML::Node& n) { return Scalar(c, n, "spec", &c.out->spec); }},
      {"specification",
       [](const Ctx& c, const YAML::Node& n) { return Scalar(c, n, "spec", &c.out->spec); }},
      {"name",
       [](const Ctx& c, const YAML::Node& n) { return Scalar(c, n, "name", &c.out->name); }},
      {"outdir",
       [](const Ctx& c, const YAML::Node& n) { return Scalar(c, n, "outdir", &c.out->outdir); }},
      {"runtime", [](const Ctx& c,
                     const YAML::Node& n) { return Component(c, n, "runtime", &c.out->runtime); }},
      {"unikraft",
       [](const Ctx& c, const YAML::Node& n) {
         c.out->has_unikraft = !n.IsNull();
         return Component(c, n, "unikraft", &c.out->unikraft);
       }},
      {"template",
       [](const Ctx& c, const YAML::Node& n) {
         return Component(c, n, "template", &c.out->template_source);
       }},
      {"rootfs", ParseRootfs},
      {"roms", ParseRoms},
      {"cmd", ParseCmd},
      {"env", ParseEnv},
      {"labels", ParseLabels},
      {"volumes", ParseVolumes},
      {"targets", ParseTargets},
      {"libraries", ParseLibraries},
  };
  return handlers;
}

}  // namespace

ukc::Status ParseKraftfile(const std::string& text, const std::string& display_name,
                           const std::string& default_name, Kraftfile* out) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    return Status::InvalidArgument(display_name + ":" + std::to_string(e.mark.line + 1) + ": " +
                                   e.msg);
  }
  Ctx c{display_name, out};
  if (!root.IsMap()) {
    if (root.IsNull()) return Status::InvalidArgument(display_name + ": empty Kraftfile");
    return c.Error(root, "the top level must be a mapping of keys");
  }
  std::set<std::string> seen;
  for (const auto& kv : root) {
    if (!kv.first.IsScalar()) return c.Error(kv.first, "keys must be strings");
    std::string key = kv.first.Scalar();
    std::string canonical = key == "specification" ? "spec" : key;
    if (!seen.insert(canonical).second) return c.Error(kv.first, "duplicate key \"" + key + "\"");
    if (key.rfind("x-", 0) == 0) {
      out->extensions[key] = YAML::Dump(kv.second);
      continue;
    }
    auto it = Handlers().find(key);
    if (it == Handlers().end()) return c.Error(kv.first, "unknown key \"" + key + "\"");
    try {
      Status s = it->second(c, kv.second);
      if (!s.ok()) return s;
    } catch (const YAML::Exception& e) {
      return c.Error(kv.second, "invalid value for \"" + key + "\": " + e.msg);
    }
  }
  if (out->name.empty()) out->name = default_name;
  if (out->outdir.empty()) out->outdir = ".unikraft/build";
  out->runtime_reference = ResolveRuntimeReference(out->runtime);
  return Status::Ok();
}

}  // namespace kraft
