#include "vmm/template_store.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <vector>

#include "oci/digest.h"

namespace ukc::vmm {

namespace fs = std::filesystem;

std::string TemplateStore::KeyFor(const TemplateRequest& request, const std::string& qemu) {
  std::error_code ec;
  std::string text = "ukc-emu template v1\n" + fs::absolute(request.kernel).string() + " " +
                     std::to_string(fs::file_size(request.kernel, ec)) + "\n";
  for (const auto& layer : request.layer_keys) text += layer + "\n";
  text += std::to_string(request.memory_mb) + " MB " + std::to_string(request.vcpus) + " vcpus\n" +
          qemu + "\n";
  return oci::Digest::Sha256Of(text).hex.substr(0, 32);
}

bool TemplateStore::Usable(const std::string& key, int memory_mb) const {
  std::error_code ec;
  if (!fs::is_regular_file(StatePath(key), ec)) return false;
  auto ram = fs::file_size(RamPath(key), ec);
  if (ec || ram != static_cast<uintmax_t>(memory_mb) << 20) return false;
  fs::last_write_time(StatePath(key), fs::file_time_type::clock::now(), ec);
  return true;
}

void TemplateStore::Drop(const std::string& key) const {
  std::error_code ec;
  fs::remove_all(dir_ / key, ec);  // VMs restored from it keep their mappings
}

Status TemplateStore::Publish(const fs::path& build, const std::string& key) const {
  std::error_code ec;
  fs::rename(build, dir_ / key, ec);
  if (!ec) return Status::Ok();
  bool taken = fs::is_regular_file(StatePath(key));
  fs::remove_all(build, ec);
  return taken ? Status::Ok() : Status::IoError("cannot store template " + key);
}

void TemplateStore::Prune(size_t keep) const {
  std::error_code ec;
  std::vector<std::pair<fs::file_time_type, std::string>> templates;
  auto now = fs::file_time_type::clock::now();
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    std::string name = entry.path().filename().string();
    if (name.find(".part-") != std::string::npos) {
      if (now - entry.last_write_time(ec) > std::chrono::hours(1)) {
        fs::remove_all(entry.path(), ec);  // a build that died
      }
    } else if (fs::is_regular_file(entry.path() / "state", ec)) {
      templates.emplace_back(fs::last_write_time(entry.path() / "state", ec), name);
    }
  }
  if (templates.size() <= keep) return;
  std::sort(templates.rbegin(), templates.rend());  // newest first
  for (size_t i = keep; i < templates.size(); ++i) Drop(templates[i].second);
}

fs::path DefaultTemplateDir() {
  fs::path dir = "/dev/shm/ukc-emu-templates";
  if (const char* env = std::getenv("UKC_TEMPLATES"); env && *env) {
    if (std::string(env) == "off") return {};
    dir = env;
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || access(dir.c_str(), W_OK) != 0) return {};
  return dir;
}

}  // namespace ukc::vmm
