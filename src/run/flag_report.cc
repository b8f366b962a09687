// keel flag set / list: reports as JSON, the archived details of a change,
// and who made it (include/keel/flag_report.h).
#include "keel/flag_report.h"

#include "keel/migrate.h"

namespace keel::run {
namespace {

nlohmann::json percent_or_null(const std::optional<int>& percent) {
  return percent ? nlohmann::json(*percent) : nlohmann::json(nullptr);
}

}  // namespace

std::string flag_setter(const Config& config) {
  return config.migrations.applied_by.empty() ? migrate::default_applied_by()
                                              : config.migrations.applied_by;
}

nlohmann::json flag_set_json(const std::string& masked_url, const flags::Change& change) {
  return {{"database", masked_url},
          {"flag", change.name},
          {"old_percent", percent_or_null(change.old_percent)},
          {"new_percent", change.new_percent}};
}

std::string flag_details(const flags::Change& change) {
  nlohmann::json j = {{"flag", change.name},
                      {"old_percent", percent_or_null(change.old_percent)},
                      {"new_percent", change.new_percent}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json flags_json(const std::string& masked_url, const std::vector<flags::Flag>& flags) {
  nlohmann::json list = nlohmann::json::array();
  for (const flags::Flag& f : flags) {
    list.push_back({{"name", f.name},
                    {"percent", f.percent},
                    {"description", f.description.empty() ? nlohmann::json(nullptr)
                                                          : nlohmann::json(f.description)},
                    {"updated_at", f.updated_at},
                    {"updated_by", f.updated_by}});
  }
  return {{"database", masked_url}, {"flags", list}};
}

}  // namespace keel::run
