// Kraftfile (spec v0.6, kraft-cli.md §8): discovery, parsing and the cloud's runtime names.
//
// Discovery: in a directory the names kraft.yaml, kraft.yml, Kraftfile.yml, Kraftfile.yaml,
// Kraftfile are tried (more than one → error); without a match the parent directories are
// searched, up to the root. `-K/--kraftfile` names the file explicitly (relative to workdir).
// Every v0.6 top-level key is accepted; `x-…` keys are kept as extensions; any other key is an
// error. Every error names the file and line: `Kraftfile:7: unknown key "rootfss"`.
// A `cmd` string is split like a shell would (kraftkit uses go-shellwords); a list is kept as is.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "base/status.h"

namespace kraft {

struct KraftfileVolume {
  std::string source;       // "./src" (long form: source)
  std::string destination;  // "/dest"
  std::string driver;       // "9pfs", "" when not given
  bool read_only = false;
};

struct KraftfileTarget {
  std::string name;          // optional
  std::string platform;      // "kraftcloud", "qemu", "fc", … as written
  std::string architecture;  // "x86_64", "arm64", …
};

struct KraftfileRom {
  std::string source;
  std::string type;  // "cpio" | "erofs" | ""
};

struct Kraftfile {
  std::filesystem::path path;     // the file read (absolute)
  std::filesystem::path workdir;  // the directory holding it (absolute)
  std::string spec;               // "v0.6" as written ("" when absent)
  std::string name;               // `name`, else the workdir's base name

  std::string runtime;            // as written: "python:3.12", "oci://…", "" when absent
  std::string runtime_reference;  // resolved for the cloud: "official/python:3.12" ("" if none)

  std::string rootfs_source;  // as written: "./Dockerfile", "./rootfs.cpio", a dir, "" if none
  std::string rootfs_type;    // "cpio" | "erofs" | "" (not given: the packager's default)

  std::vector<std::string> cmd;               // args ("" / absent: empty)
  std::vector<std::string> env;               // "K=V" in file order (a map's order kept)
  std::map<std::string, std::string> labels;  // values stringified (1000 → "1000")
  std::string outdir = ".unikraft/build";     // as written, relative to workdir
  std::vector<KraftfileTarget> targets;       // "plat/arch" or long form
  std::vector<KraftfileVolume> volumes;       // local `kraft run` only
  std::vector<KraftfileRom> roms;             // v0.7, accepted

  // Build-from-source keys, stored but unused by the cloud flow.
  std::string unikraft;  // source (string form or `source:`), "" if absent
  bool has_unikraft = false;
  std::string template_source;                    // `template` (string or name/source)
  std::map<std::string, std::string> libraries;   // name → source/version as written
  std::map<std::string, std::string> extensions;  // `x-…` keys → their YAML text
};

// Finds the Kraftfile for `workdir`: `explicit_path` (relative to workdir unless absolute) when
// non-empty, else the search above. NotFound when there is none; InvalidArgument on ambiguity.
ukc::Status FindKraftfile(const std::filesystem::path& workdir, const std::string& explicit_path,
                          std::filesystem::path* out);

// Finds (as above) and parses the Kraftfile. NotFound when there is none.
ukc::Status LoadKraftfile(const std::filesystem::path& workdir, const std::string& explicit_path,
                          Kraftfile* out);

// Parses Kraftfile text. `display_name` prefixes errors ("Kraftfile:3: …"); `out->path`,
// `out->workdir` are left to the caller, `out->name` defaults to `default_name`.
ukc::Status ParseKraftfile(const std::string& text, const std::string& display_name,
                           const std::string& default_name, Kraftfile* out);

// The cloud's repository:tag for a runtime name (§8.3), without the registry host:
//   "python:3.12" → "official/python:3.12", "base" → "official/base:latest",
//   "unikraft.org/nginx:1.25" / "index.unikraft.io/official/nginx:1.25" / "oci://…" →
//   "official/nginx:1.25", "razvand/app" → "razvand/app:latest", "x@sha256:…" keeps the digest.
// Another registry host (contains '.' or ':' or is "localhost") is kept whole, tag defaulted.
std::string ResolveRuntimeReference(const std::string& runtime);

}  // namespace kraft
