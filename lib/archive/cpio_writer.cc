#include "archive/cpio_writer.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <memory>

namespace ukc::archive {
namespace {

la_ssize_t Append(struct archive*, void* data, const void* buffer, size_t size) {
  static_cast<std::string*>(data)->append(static_cast<const char*>(buffer), size);
  return static_cast<la_ssize_t>(size);
}

}  // namespace

Status WriteNewcCpio(const std::vector<CpioEntry>& entries, std::string* out) {
  out->clear();
  std::unique_ptr<struct archive, int (*)(struct archive*)> a(archive_write_new(),
                                                              archive_write_free);
  archive_write_set_format_cpio_newc(a.get());
  archive_write_set_bytes_per_block(a.get(), 0);  // no block padding: we pad to 4 below
  if (archive_write_open(a.get(), out, nullptr, Append, nullptr) != ARCHIVE_OK) {
    return Status::Internal(std::string("cpio: ") + archive_error_string(a.get()));
  }
  for (const auto& e : entries) {
    std::unique_ptr<struct archive_entry, void (*)(struct archive_entry*)> entry(
        archive_entry_new(), archive_entry_free);
    archive_entry_set_pathname(entry.get(), e.path.c_str());
    archive_entry_set_filetype(entry.get(), e.directory ? AE_IFDIR : AE_IFREG);
    archive_entry_set_perm(entry.get(), e.directory ? 0755 : e.mode);
    archive_entry_set_uid(entry.get(), 0);
    archive_entry_set_gid(entry.get(), 0);
    archive_entry_set_nlink(entry.get(), e.directory ? 2 : 1);
    archive_entry_set_size(entry.get(),
                           e.directory ? 0 : static_cast<la_int64_t>(e.content.size()));
    if (archive_write_header(a.get(), entry.get()) != ARCHIVE_OK) {
      return Status::Internal(std::string("cpio: ") + archive_error_string(a.get()));
    }
    if (!e.directory && !e.content.empty() &&
        archive_write_data(a.get(), e.content.data(), e.content.size()) < 0) {
      return Status::Internal(std::string("cpio: ") + archive_error_string(a.get()));
    }
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK) {
    return Status::Internal(std::string("cpio: ") + archive_error_string(a.get()));
  }
  out->append((4 - out->size() % 4) % 4, '\0');
  return Status::Ok();
}

}  // namespace ukc::archive
