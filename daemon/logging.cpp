#include "daemon/logging.hpp"

#include <cstdlib>
#include <memory>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace voxedge::daemon {

namespace {

spdlog::level::level_enum to_spdlog(config::log_level l) {
  switch (l) {
    case config::log_level::trace: return spdlog::level::trace;
    case config::log_level::debug: return spdlog::level::debug;
    case config::log_level::info: return spdlog::level::info;
    case config::log_level::warn: return spdlog::level::warn;
    case config::log_level::error: return spdlog::level::err;
    case config::log_level::critical: return spdlog::level::critical;
    case config::log_level::off: return spdlog::level::off;
  }
  return spdlog::level::info;
}

// "%*": the message, escaped for a JSON string. Log lines quote values that came off the
// network, so nothing may pass through unescaped.
class json_escaped_message final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    for (char c : msg.payload) {
      const auto u = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        dest.push_back('\\');
        dest.push_back(c);
      } else if (u < 0x20) {
        static constexpr char hex[] = "0123456789abcdef";
        const char esc[] = {'\\', 'u', '0', '0', hex[u >> 4], hex[u & 15]};
        dest.append(esc, esc + sizeof esc);
      } else {
        dest.push_back(c);
      }
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<json_escaped_message>(); }
};

std::unique_ptr<spdlog::formatter> formatter_for(config::log_format format) {
  auto f = std::make_unique<spdlog::pattern_formatter>();
  if (format == config::log_format::json) {
    f->add_flag<json_escaped_message>('*').set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%e%z","level":"%l","msg":"%*"})");
  } else if (std::getenv("JOURNAL_STREAM") != nullptr) {
    // journald adds its own timestamp; the "<N>" prefix carries the level.
    f->set_pattern("%l: %v");
  } else {
    f->set_pattern("%Y-%m-%d %H:%M:%S.%e %l: %v");
  }
  return f;
}

// Maps spdlog levels to syslog priorities for journald (sd-daemon(3) "<N>" prefixes).
class journald_prefix_sink final : public spdlog::sinks::stderr_sink_mt {
 public:
  void log(const spdlog::details::log_msg& msg) override {
    static constexpr const char* prefix[] = {"<7>", "<7>", "<6>", "<4>", "<3>", "<2>", ""};
    std::fputs(prefix[static_cast<int>(msg.level)], stderr);
    spdlog::sinks::stderr_sink_mt::log(msg);
  }
};

}  // namespace

void setup_logging(config::log_level level, config::log_format format) {
  std::shared_ptr<spdlog::sinks::sink> sink;
  if (std::getenv("JOURNAL_STREAM") != nullptr && format == config::log_format::text) {
    sink = std::make_shared<journald_prefix_sink>();
  } else {
    sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  }
  auto logger = std::make_shared<spdlog::logger>("voxedge", sink);
  spdlog::set_default_logger(logger);
  apply_logging(level, format);
  spdlog::flush_on(spdlog::level::info);
}

void apply_logging(config::log_level level, config::log_format format) {
  spdlog::set_level(to_spdlog(level));
  spdlog::set_formatter(formatter_for(format));
}

}  // namespace voxedge::daemon
