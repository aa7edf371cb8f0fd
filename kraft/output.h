// kraft's output formats over one row model (kraft-cli.md §4): a header row and string rows,
// rendered as `table` (2-space columns, fitted to the terminal width or 80 off a TTY), `list`
// (right-aligned lower-case headers), `json` (compact array of objects, lower-case
// underscore keys, sorted, string values, no trailing newline), `yaml` (the same, as yaml.v2
// prints it) or `raw` (the API response body verbatim).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "base/status.h"

namespace kraft {

struct Table {
  std::vector<std::string> headers;
  std::vector<std::vector<std::string>> rows;
};

// "" is accepted as the command's default; anything else outside the five formats fails with
// "invalid output format: X".
ukc::Status ValidateFormat(const std::string& format);
// `raw_body` is printed for `raw`. `width` is the table width (0: terminal width, or 80).
void Render(const std::string& format, const Table& table, const std::string& raw_body,
            std::ostream& out, int width = 0);

void RenderTable(const Table& table, std::ostream& out, int width, bool bold_headers);
void RenderList(const Table& table, std::ostream& out);
void RenderJson(const Table& table, std::ostream& out);
void RenderYaml(const Table& table, std::ostream& out);

}  // namespace kraft
