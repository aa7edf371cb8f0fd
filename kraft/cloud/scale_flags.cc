#include "cloud/scale_flags.h"

#include <algorithm>
#include <regex>

namespace kraft {

using ukc::Status;
using ukc::api::AutoscaleStep;

Status ParseScaleStep(const std::string& text, AutoscaleStep* out) {
  static const std::regex kStep(R"(^([+-]?[0-9]+)?:([+-]?[0-9]+)?/([+-]?[0-9]+)$)");
  std::smatch m;
  auto invalid = [&] { return Status::InvalidArgument("could not parse step: \"" + text + "\""); };
  if (!std::regex_match(text, m, kStep) || (!m[1].matched && !m[2].matched)) return invalid();
  try {
    *out = AutoscaleStep{std::stoi(m[3].str()), std::nullopt, std::nullopt};
    if (m[1].matched) out->lower_bound = std::stoi(m[1].str());
    if (m[2].matched) out->upper_bound = std::stoi(m[2].str());
  } catch (...) {
    return invalid();  // out of range
  }
  if (out->lower_bound && out->upper_bound && *out->lower_bound >= *out->upper_bound) {
    return Status::InvalidArgument("lower bound cannot be greater or equal than upper bound: " +
                                   std::to_string(*out->lower_bound) +
                                   " >= " + std::to_string(*out->upper_bound));
  }
  return Status::Ok();
}

namespace {

Status SortedSteps(const std::vector<std::string>& texts, std::vector<AutoscaleStep>* steps) {
  for (const auto& text : texts) {
    AutoscaleStep step;
    if (Status s = ParseScaleStep(text, &step); !s.ok()) return s;
    steps->push_back(step);
  }
  std::stable_sort(steps->begin(), steps->end(), [](const auto& a, const auto& b) {
    if (!a.lower_bound || !b.lower_bound) return !a.lower_bound && b.lower_bound;
    return *a.lower_bound < *b.lower_bound;
  });
  for (size_t i = 1; i < steps->size(); ++i) {
    const AutoscaleStep& s = (*steps)[i];
    if (!s.lower_bound) {
      return Status::InvalidArgument("lower bound cannot be empty in a step after the first step");
    }
    if (!s.upper_bound && i + 1 != steps->size()) {
      return Status::InvalidArgument("upper bound cannot be empty in a step before the last step");
    }
    const AutoscaleStep& prev = (*steps)[i - 1];
    if (!prev.upper_bound || *prev.upper_bound != *s.lower_bound) {
      std::string a = prev.upper_bound ? std::to_string(*prev.upper_bound) : "0";
      return Status::InvalidArgument("steps are not contiguous: gap found between " + a + " and " +
                                     std::to_string(*s.lower_bound));
    }
  }
  return Status::Ok();
}

}  // namespace

Status BuildScalePolicy(const ScaleAddFlags& f, ukc::api::AutoscalePolicy* out) {
  if (f.name.empty()) return Status::InvalidArgument("specify a policy name");
  if ((f.type == "step" && f.steps.empty()) || f.steps.size() > 4) {
    return Status::InvalidArgument("specify between 1 and 4 steps: got " +
                                   std::to_string(f.steps.size()));
  }
  *out = ukc::api::AutoscalePolicy{};
  out->name = f.name;
  if (f.type == "on_demand") {
    out->type = "on_demand";
    return Status::Ok();
  }
  if (f.type != "step") return Status::InvalidArgument("invalid policy type: \"" + f.type + "\"");
  out->type = "step";
  out->metric = f.metric;
  out->adjustment_type = f.adjustment;
  return SortedSteps(f.steps, &out->steps);
}

}  // namespace kraft
