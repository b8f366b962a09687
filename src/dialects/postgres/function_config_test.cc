#include "dialects/postgres/function_config.h"

#include <gtest/gtest.h>

namespace keel::pg {
namespace {

// As pg_settings of PostgreSQL 15 describes them.
const std::map<std::string, SettingType>& types() {
  static const std::map<std::string, SettingType> kTypes = {
      {"work_mem", {"work_mem", "integer", "kB"}},
      {"shared_buffers", {"shared_buffers", "integer", "8kB"}},
      {"statement_timeout", {"statement_timeout", "integer", "ms"}},
      {"checkpoint_timeout", {"checkpoint_timeout", "integer", "s"}},
      {"vacuum_cost_delay", {"vacuum_cost_delay", "real", "ms"}},
      {"random_page_cost", {"random_page_cost", "real", ""}},
      {"jit", {"jit", "bool", ""}},
      {"enable_seqscan", {"enable_seqscan", "bool", ""}},
      {"client_min_messages", {"client_min_messages", "enum", ""}},
      {"timezone", {"TimeZone", "string", ""}},
      {"search_path", {"search_path", "string", ""}},
      {"max_parallel_workers", {"max_parallel_workers", "integer", ""}},
  };
  return kTypes;
}

std::vector<std::string> canon(std::vector<std::string> entries) {
  return canonical_function_config(entries, types());
}

TEST(FunctionConfigFix14, OneSpellingPerMemoryValue) {
  EXPECT_EQ(canon({"work_mem=1MB"}), canon({"work_mem=1024kB"}));
  EXPECT_EQ(canon({"work_mem=1024"}), std::vector<std::string>{"work_mem=1MB"});
  EXPECT_EQ(canon({"work_mem=1025kB"}), std::vector<std::string>{"work_mem=1025kB"});
  EXPECT_EQ(canon({"work_mem=1GB"}), std::vector<std::string>{"work_mem=1GB"});
  EXPECT_EQ(canon({"work_mem=1.5MB"}), std::vector<std::string>{"work_mem=1536kB"});
  EXPECT_EQ(canon({"work_mem= 2048 kB "}), std::vector<std::string>{"work_mem=2MB"});
  EXPECT_EQ(canon({"work_mem=0x400"}), std::vector<std::string>{"work_mem=1MB"});
  EXPECT_EQ(canon({"shared_buffers=16384"}), std::vector<std::string>{"shared_buffers=128MB"});
  EXPECT_EQ(canon({"shared_buffers=1"}), std::vector<std::string>{"shared_buffers=8kB"});
  EXPECT_NE(canon({"work_mem=1MB"}), canon({"work_mem=1000kB"}));
}

TEST(FunctionConfigFix14, OneSpellingPerTimeValue) {
  EXPECT_EQ(canon({"statement_timeout=60000"}), canon({"statement_timeout=1min"}));
  EXPECT_EQ(canon({"statement_timeout=60s"}), std::vector<std::string>{"statement_timeout=1min"});
  EXPECT_EQ(canon({"statement_timeout=1500"}),
            std::vector<std::string>{"statement_timeout=1500ms"});
  EXPECT_EQ(canon({"statement_timeout=0"}), std::vector<std::string>{"statement_timeout=0"});
  EXPECT_EQ(canon({"statement_timeout=-1"}), std::vector<std::string>{"statement_timeout=-1"});
  EXPECT_EQ(canon({"checkpoint_timeout=3600"}), std::vector<std::string>{"checkpoint_timeout=1h"});
  EXPECT_EQ(canon({"vacuum_cost_delay=0.5"}), std::vector<std::string>{"vacuum_cost_delay=500us"});
  EXPECT_EQ(canon({"vacuum_cost_delay=2ms"}), canon({"vacuum_cost_delay=2000us"}));
}

TEST(FunctionConfigFix14, BooleansEnumsAndPlainNumbers) {
  for (const char* on : {"on", "true", "TRUE", "yes", "y", "1", "t", "On"}) {
    EXPECT_EQ(canon({std::string("jit=") + on}), std::vector<std::string>{"jit=on"}) << on;
  }
  for (const char* off : {"off", "false", "no", "n", "0", "OFF", "of"}) {
    EXPECT_EQ(canon({std::string("jit=") + off}), std::vector<std::string>{"jit=off"}) << off;
  }
  EXPECT_EQ(canon({"client_min_messages=WARNING"}),
            std::vector<std::string>{"client_min_messages=warning"});
  EXPECT_EQ(canon({"random_page_cost=1.50"}), canon({"random_page_cost=1.5"}));
  EXPECT_EQ(canon({"max_parallel_workers=010"}),
            std::vector<std::string>{"max_parallel_workers=8"});
}

TEST(FunctionConfigFix14, SortedByNameNamesInTheServersSpelling) {
  EXPECT_EQ(canon({"work_mem=1MB", "search_path=public, pg_temp", "jit=off"}),
            (std::vector<std::string>{"jit=off", "search_path=public, pg_temp", "work_mem=1MB"}));
  EXPECT_EQ(canon({"timezone=UTC"}), std::vector<std::string>{"TimeZone=UTC"});
  // Strings are kept: search_path's quoting is meaningful, time zone names
  // are the server's business.
  EXPECT_EQ(canon({"search_path=\"$user\", public"}),
            std::vector<std::string>{"search_path=\"$user\", public"});
}

TEST(FunctionConfigFix14, UnknownOrUnparsableKeptAsStored) {
  EXPECT_EQ(canon({"MyApp.Mode=Fast"}), std::vector<std::string>{"myapp.mode=Fast"});
  EXPECT_EQ(canon({"work_mem=lots"}), std::vector<std::string>{"work_mem=lots"});
  EXPECT_EQ(canon({"work_mem=1XB"}), std::vector<std::string>{"work_mem=1XB"});
  EXPECT_EQ(canon({"work_mem=5min"}), std::vector<std::string>{"work_mem=5min"});
  EXPECT_EQ(canon({"jit=o"}), std::vector<std::string>{"jit=o"});
  EXPECT_EQ(canon({"work_mem="}), std::vector<std::string>{"work_mem="});
  EXPECT_TRUE(canon({}).empty());
}

}  // namespace
}  // namespace keel::pg
