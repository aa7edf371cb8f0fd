#include "output.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

namespace kraft {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string JsonKey(const std::string& header) {
  std::string key = Lower(header);
  std::replace(key.begin(), key.end(), ' ', '_');
  return key;
}

int TerminalWidth() {
  winsize ws{};
  if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
    return ws.ws_col;
  }
  return 80;
}

// calculateColumnWidths: first column whole; narrow columns keep their width; the rest share.
std::vector<size_t> ColumnWidths(const Table& t, int total) {
  size_t n = t.headers.size();
  std::vector<size_t> w(n, 0);
  for (size_t i = 0; i < n; ++i) {
    w[i] = t.headers[i].size();
    for (const auto& row : t.rows) w[i] = std::max(w[i], i < row.size() ? row[i].size() : 0);
  }
  long avail = total - static_cast<long>(2 * (n - 1)) - static_cast<long>(w[0]);
  std::vector<size_t> flex;
  for (size_t i = 1; i < n; ++i) flex.push_back(i);
  bool changed = true;
  while (changed && !flex.empty()) {  // settle the columns that fit their share
    changed = false;
    long share = avail / static_cast<long>(flex.size());
    for (auto it = flex.begin(); it != flex.end(); ++it) {
      if (static_cast<long>(w[*it]) <= share) {
        avail -= static_cast<long>(w[*it]);
        flex.erase(it);
        changed = true;
        break;
      }
    }
  }
  if (!flex.empty()) {
    long share = std::max(avail, 0L) / static_cast<long>(flex.size());
    long rest = std::max(avail, 0L) % static_cast<long>(flex.size());
    for (size_t i : flex) w[i] = static_cast<size_t>(share);
    w[flex.front()] += static_cast<size_t>(rest);
  }
  return w;
}

std::string Fit(const std::string& s, size_t width, bool pad) {
  std::string cell = s;
  if (cell.size() > width) cell = width >= 5 ? s.substr(0, width - 3) + "..." : s.substr(0, width);
  if (pad && cell.size() < width) cell.append(width - cell.size(), ' ');
  return cell;
}

std::vector<std::map<std::string, std::string>> Objects(const Table& t) {
  std::vector<std::map<std::string, std::string>> out;
  for (const auto& row : t.rows) {
    std::map<std::string, std::string> obj;
    for (size_t i = 0; i < t.headers.size(); ++i) {
      obj[JsonKey(t.headers[i])] = i < row.size() ? row[i] : "";
    }
    out.push_back(std::move(obj));
  }
  return out;
}

// yaml.v2 quotes strings that would read back as something else, or are not plain scalars.
std::string YamlScalar(const std::string& s) {
  static const char* const kSpecial[] = {"true", "false", "yes", "no",   "on",    "off", "null",
                                         "~",    "y",     "n",   "True", "False", "NULL"};
  bool quote = s.empty() || s.front() == ' ' || s.back() == ' ';
  for (const char* w : kSpecial) quote = quote || s == w;
  quote = quote || s.find_first_of("\n\"\\") != std::string::npos ||
          s.find(": ") != std::string::npos || s.find(" #") != std::string::npos ||
          s.back() == ':' || std::string("-?:,[]{}#&*!|>'%@`").find(s.front()) != std::string::npos;
  if (!quote) {
    char* end = nullptr;
    std::strtod(s.c_str(), &end);
    quote = end && *end == '\0';  // a number
  }
  return quote ? nlohmann::json(s).dump() : s;
}

}  // namespace

ukc::Status ValidateFormat(const std::string& format) {
  if (format.empty() || format == "table" || format == "list" || format == "json" ||
      format == "yaml" || format == "raw") {
    return ukc::Status::Ok();
  }
  return ukc::Status::InvalidArgument("invalid output format: " + format);
}

void RenderTable(const Table& t, std::ostream& out, int width, bool bold_headers) {
  std::vector<size_t> w = ColumnWidths(t, width);
  auto line = [&](const std::vector<std::string>& cells, bool bold) {
    for (size_t i = 0; i < t.headers.size(); ++i) {
      bool last = i + 1 == t.headers.size();
      std::string cell = Fit(i < cells.size() ? cells[i] : "", i == 0 ? w[0] : w[i], !last);
      if (bold) cell = std::string("\033[1m").append(cell).append("\033[0m");
      out << cell << (last ? "\n" : "  ");
    }
  };
  line(t.headers, bold_headers);
  for (const auto& row : t.rows) line(row, false);
}

void RenderList(const Table& t, std::ostream& out) {
  size_t max = 0;
  for (const auto& h : t.headers) max = std::max(max, h.size());
  for (size_t r = 0; r < t.rows.size(); ++r) {
    if (r > 0) out << "\n";
    for (size_t i = 0; i < t.headers.size(); ++i) {
      std::string value = i < t.rows[r].size() ? t.rows[r][i] : "";
      out << std::string(max - t.headers[i].size() + 1, ' ') << Lower(t.headers[i]) << ": ";
      size_t pos = 0;
      for (size_t sep; (sep = value.find(", ", pos)) != std::string::npos; pos = sep + 2) {
        out << value.substr(pos, sep - pos) << "\n" << std::string(max + 3, ' ');
      }
      out << value.substr(pos) << "\n";
    }
  }
}

void RenderJson(const Table& t, std::ostream& out) {
  nlohmann::json arr = nlohmann::json::array();
  for (auto& obj : Objects(t)) arr.push_back(obj);
  out << arr.dump();
}

void RenderYaml(const Table& t, std::ostream& out) {
  auto objects = Objects(t);
  if (objects.empty()) {
    out << "[]\n";
    return;
  }
  for (const auto& obj : objects) {
    bool first = true;
    for (const auto& [k, v] : obj) {
      out << (first ? "- " : "  ") << k << ": " << YamlScalar(v) << "\n";
      first = false;
    }
  }
}

void Render(const std::string& format, const Table& table, const std::string& raw_body,
            std::ostream& out, int width) {
  if (format == "list") {
    RenderList(table, out);
  } else if (format == "json") {
    RenderJson(table, out);
  } else if (format == "yaml") {
    RenderYaml(table, out);
  } else if (format == "raw") {
    out << raw_body;
  } else {
    bool tty = isatty(STDOUT_FILENO);
    RenderTable(table, out, width > 0 ? width : TerminalWidth(), tty);
  }
}

}  // namespace kraft
