#include "kraftfile/shell_words.h"

namespace kraft {

ukc::Status SplitShellWords(const std::string& line, std::vector<std::string>* out) {
  out->clear();
  std::string word;
  bool in_word = false;
  size_t i = 0;
  while (i < line.size()) {
    char c = line[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (in_word) out->push_back(word);
      word.clear();
      in_word = false;
      ++i;
      continue;
    }
    in_word = true;
    if (c == '\\') {
      if (i + 1 >= line.size()) return ukc::Status::InvalidArgument("trailing backslash");
      word += line[i + 1];
      i += 2;
    } else if (c == '\'') {
      size_t end = line.find('\'', i + 1);
      if (end == std::string::npos) return ukc::Status::InvalidArgument("unterminated ' quote");
      word.append(line, i + 1, end - i - 1);
      i = end + 1;
    } else if (c == '"') {
      ++i;
      bool closed = false;
      while (i < line.size()) {
        char d = line[i];
        if (d == '"') {
          closed = true;
          ++i;
          break;
        }
        if (d == '\\' && i + 1 < line.size() &&
            std::string("\"\\$`").find(line[i + 1]) != std::string::npos) {
          word += line[i + 1];
          i += 2;
          continue;
        }
        word += d;
        ++i;
      }
      if (!closed) return ukc::Status::InvalidArgument("unterminated \" quote");
    } else {
      word += c;
      ++i;
    }
  }
  if (in_word) out->push_back(word);
  return ukc::Status::Ok();
}

}  // namespace kraft
