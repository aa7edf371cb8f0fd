#include "build/shell_lexer.h"

#include <cctype>

namespace kraft::build {
namespace {

using ukc::Status;

class Lexer {
 public:
  Lexer(const std::string& text, const EnvLookup& lookup, char escape, bool split)
      : s_(text), lookup_(lookup), escape_(escape), split_(split) {}

  Status Run(std::vector<std::string>* words) {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (split_ && (c == ' ' || c == '\t' || c == '\n')) {
        EndWord();
        ++pos_;
      } else if (c == escape_ && pos_ + 1 < s_.size()) {
        Add(s_[pos_ + 1]);
        pos_ += 2;
      } else if (c == '\'') {
        size_t end = s_.find('\'', pos_ + 1);
        if (end == std::string::npos)
          return Status::InvalidArgument(
              "unexpected end of statement while looking for matching single-quote");
        in_word_ = true;
        word_.append(s_, pos_ + 1, end - pos_ - 1);
        pos_ = end + 1;
      } else if (c == '"') {
        Status st = DoubleQuoted();
        if (!st.ok()) return st;
      } else if (c == '$') {
        std::string value;
        Status st = Dollar(&value);
        if (!st.ok()) return st;
        AddExpansion(value, /*quoted=*/false);
      } else {
        Add(c);
        ++pos_;
      }
    }
    EndWord();
    *words = std::move(words_);
    return Status::Ok();
  }

 private:
  void Add(char c) {
    in_word_ = true;
    word_ += c;
  }
  void EndWord() {
    if (in_word_) words_.push_back(word_);
    word_.clear();
    in_word_ = false;
  }
  void AddExpansion(const std::string& value, bool quoted) {
    if (quoted || !split_) {
      in_word_ = true;
      word_ += value;
      return;
    }
    for (char c : value) {
      if (c == ' ' || c == '\t' || c == '\n') {
        EndWord();
      } else {
        Add(c);
      }
    }
  }

  Status DoubleQuoted() {
    ++pos_;
    in_word_ = true;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '"') {
        ++pos_;
        return Status::Ok();
      }
      if (c == escape_ && pos_ + 1 < s_.size()) {
        char n = s_[pos_ + 1];
        if (n == '"' || n == '$' || n == escape_) {
          word_ += n;
        } else {
          word_ += c;
          word_ += n;
        }
        pos_ += 2;
      } else if (c == '$') {
        std::string value;
        Status st = Dollar(&value);
        if (!st.ok()) return st;
        AddExpansion(value, /*quoted=*/true);
      } else {
        word_ += c;
        ++pos_;
      }
    }
    return Status::InvalidArgument(
        "unexpected end of statement while looking for matching double-quote");
  }

  static bool NameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

  // At '$': expands $NAME or ${…}; a lone '$' stays literal.
  Status Dollar(std::string* value) {
    ++pos_;
    if (pos_ < s_.size() && s_[pos_] == '{') return Braced(value);
    size_t start = pos_;
    while (pos_ < s_.size() && NameChar(s_[pos_])) ++pos_;
    if (pos_ == start) {
      *value = "$";
      return Status::Ok();
    }
    *value = lookup_(s_.substr(start, pos_ - start)).value_or("");
    return Status::Ok();
  }

  Status Braced(std::string* value) {
    ++pos_;  // '{'
    size_t start = pos_;
    while (pos_ < s_.size() && NameChar(s_[pos_])) ++pos_;
    std::string name = s_.substr(start, pos_ - start);
    if (name.empty()) return Status::InvalidArgument("bad substitution: missing variable name");
    std::optional<std::string> v = lookup_(name);
    if (pos_ < s_.size() && s_[pos_] == '}') {
      ++pos_;
      *value = v.value_or("");
      return Status::Ok();
    }
    bool colon = pos_ < s_.size() && s_[pos_] == ':';
    if (colon) ++pos_;
    if (pos_ >= s_.size()) return Status::InvalidArgument("missing '}' in ${" + name);
    char op = s_[pos_++];
    std::string word;
    Status st = BracedWord(&word);
    if (!st.ok()) return st;
    bool set = v.has_value() && (!colon || !v->empty());
    switch (op) {
      case '-':
        *value = set ? *v : word;
        break;
      case '+':
        *value = set ? word : "";
        break;
      case '?':
        if (!set)
          return Status::InvalidArgument(name + ": " +
                                         (word.empty() ? "is not allowed to be unset" : word));
        *value = *v;
        break;
      default:
        return Status::InvalidArgument(std::string("unsupported modifier (") + op +
                                       ") in substitution");
    }
    return Status::Ok();
  }

  // The word after a ${VAR:-…} modifier, up to the matching '}', itself expanded.
  Status BracedWord(std::string* out) {
    int depth = 0;
    size_t start = pos_;
    for (; pos_ < s_.size(); ++pos_) {
      char c = s_[pos_];
      if (c == escape_) {
        ++pos_;
      } else if (c == '{') {
        ++depth;
      } else if (c == '}') {
        if (depth == 0) break;
        --depth;
      }
    }
    if (pos_ >= s_.size()) return Status::InvalidArgument("missing '}' in substitution");
    std::string inner = s_.substr(start, pos_ - start);
    ++pos_;
    return ExpandWord(inner, lookup_, escape_, out);
  }

  const std::string& s_;
  const EnvLookup& lookup_;
  char escape_;
  bool split_;
  size_t pos_ = 0;
  std::string word_;
  bool in_word_ = false;
  std::vector<std::string> words_;
};

}  // namespace

Status ExpandWord(const std::string& text, const EnvLookup& lookup, char escape, std::string* out) {
  std::vector<std::string> words;
  Status s = Lexer(text, lookup, escape, /*split=*/false).Run(&words);
  if (!s.ok()) return s;
  *out = words.empty() ? "" : words[0];
  return Status::Ok();
}

Status ExpandWords(const std::string& text, const EnvLookup& lookup, char escape,
                   std::vector<std::string>* out) {
  return Lexer(text, lookup, escape, /*split=*/true).Run(out);
}

}  // namespace kraft::build
