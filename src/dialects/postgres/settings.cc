// PostgreSQL inspector: server version, encoding, collations in use and
// settings. Read before search_path is pinned, so search_path is the
// environment's own.
#include <string>

#include "dialects/postgres/catalog.h"
#include "dialects/postgres/driver.h"

namespace keel::pg {
namespace {

constexpr std::string_view kServer = R"sql(
SELECT pg_catalog.current_setting('server_version_num'),
       pg_catalog.pg_encoding_to_char(d.encoding), d.datcollate, d.datctype, d.datlocprovider,
       d.daticulocale, d.datcollversion, pg_catalog.pg_database_collation_actual_version(d.oid)
FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())sql";

// ALTER DATABASE ... SET (setrole 0) and ALTER ROLE ... [IN DATABASE] SET for
// this database or all databases.
constexpr std::string_view kOverrides = R"sql(
SELECT CASE WHEN s.setrole = 0 THEN 'database'
            WHEN s.setdatabase = 0 THEN 'role ' || r.rolname
            ELSE 'role ' || r.rolname || ' in database' END, c.setting
FROM pg_catalog.pg_db_role_setting s
LEFT JOIN pg_catalog.pg_roles r ON r.oid = s.setrole
CROSS JOIN LATERAL pg_catalog.unnest(s.setconfig) AS c(setting)
WHERE s.setdatabase = 0
   OR s.setdatabase = (SELECT oid FROM pg_catalog.pg_database
                       WHERE datname = pg_catalog.current_database()))sql";

std::string provider_name(char code) {
  switch (code) {
    case 'c':
      return "libc";
    case 'i':
      return "icu";
    default:
      return "default";
  }
}

bool plain_name(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

Result<void> load_server_and_settings(Snapshot& snap, const CaptureOptions& options,
                                      Manifest& manifest) {
  if (auto r = snap.each_row(kServer,
                             [&](const Row& row) {
                               int64_t num = row.int64(0);
                               manifest.server.product = driver().name;
                               manifest.server.major = static_cast<int>(num / 10000);
                               manifest.server.minor = static_cast<int>(num % 100);
                               manifest.server.version = std::to_string(manifest.server.major) +
                                                         "." +
                                                         std::to_string(manifest.server.minor);
                               EncodingInfo& e = manifest.encoding;
                               e.encoding = row.str(1);
                               e.collate = row.str(2);
                               e.ctype = row.str(3);
                               e.locale_provider = provider_name(row.ch(4));
                               CollationInfo& d = e.collations["default"];
                               d.provider = e.locale_provider;
                               d.collate = row.ch(4) == 'i' ? row.str(5) : e.collate;
                               d.ctype = e.ctype;
                               d.recorded_version = row.str(6);
                               d.actual_version = row.str(7);
                             });
      !r) {
    return r;
  }

  // Server scope: the values a new session gets, by the names as given.
  std::string names;
  std::map<std::string, std::string> given;  // lower-case -> as given
  for (const std::string& name : options.settings) {
    if (!plain_name(name)) continue;
    given.emplace(lower(name), name);
    if (!names.empty()) names += ',';
    names += lower(name);
  }
  if (!names.empty()) {
    auto& server = manifest.settings["server"];
    if (auto r = snap.each_row("SELECT pg_catalog.lower(name), pg_catalog.current_setting(name) "
                               "FROM pg_catalog.pg_settings WHERE pg_catalog.lower(name) = ANY('{" +
                                   names + "}'::text[])",
                               [&](const Row& row) {
                                 auto it = given.find(row.str(0));
                                 if (it != given.end()) server[it->second] = row.str(1);
                               });
        !r) {
      return r;
    }
  }
  return snap.each_row(kOverrides, [&](const Row& row) {
    std::string setting = row.str(1);
    size_t eq = setting.find('=');
    if (eq == std::string::npos) return;
    manifest.settings[row.str(0)][setting.substr(0, eq)] = setting.substr(eq + 1);
  });
}

Result<void> load_collation_versions(Catalog& cat) {
  std::string oids;
  for (uint32_t oid : cat.collations_in_use) {
    if (oid == 100) continue;  // the database default, recorded as "default"
    if (!oids.empty()) oids += ',';
    oids += std::to_string(oid);
  }
  if (oids.empty()) return {};
  return cat.snap.each_row(
      "SELECT oid, pg_collation_actual_version(oid) FROM pg_collation WHERE oid = ANY('{" + oids +
          "}'::oid[])",
      [&](const Row& row) {
        auto it = cat.collations.find(row.oid(0));
        if (it == cat.collations.end()) return;
        const CollationName& c = it->second;
        CollationInfo& info = cat.manifest.encoding.collations[c.qualified];
        info.provider = provider_name(c.provider);
        info.collate = c.provider == 'i' ? c.icu_locale : c.collate;
        info.ctype = c.ctype;
        info.recorded_version = c.version;
        info.actual_version = row.str(1);
      });
}

}  // namespace keel::pg
