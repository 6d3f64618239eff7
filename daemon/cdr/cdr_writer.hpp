#pragma once
// Appends call detail records to a file, one JSON object per line (cdr_record.hpp), for
// log shippers and billing jobs to tail.
//
// - The file is opened O_WRONLY|O_APPEND|O_CREAT|O_CLOEXEC with mode 0640 (the umask
//   may narrow it): CDRs carry phone numbers, so not world-readable.
// - Each record is one write(2) of the whole line, newline included: with O_APPEND a
//   reader (or another appender) never sees half a line from a write that succeeded.
// - Rotation: logrotate renames the file and the daemon calls reopen() on SIGHUP; the
//   next line goes to a new file at the configured path.
// - Failure never reaches the call path: write() does not throw, it counts the loss and
//   logs once per burst (the first failure after a success, then "recovered" with the
//   number lost). A file that could not be opened is retried on the next write.
// - An empty path disables CDRs: write() does nothing and counts nothing.
//
// Control thread only; not thread-safe.
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "daemon/cdr/cdr_record.hpp"

namespace voxedge::daemon {

struct cdr_writer_stats {
  std::uint64_t written = 0;  ///< records on disk
  std::uint64_t failed = 0;   ///< records lost (open or write failed)
};

class cdr_writer {
 public:
  /// Opens `path` now; a failure is logged and retried on the next write, not thrown.
  explicit cdr_writer(std::string path);
  ~cdr_writer();
  cdr_writer(const cdr_writer&) = delete;
  cdr_writer& operator=(const cdr_writer&) = delete;

  bool enabled() const noexcept { return !path_.empty(); }
  const std::string& path() const noexcept { return path_; }

  void write(const cdr_record& r) noexcept;
  /// Appends `json` (one JSON text without a newline) as a line; what write() uses.
  void write_line(std::string_view json) noexcept;

  /// Opens the path afresh (after logrotate moved the file). The old descriptor is
  /// closed only once the new one is open, so a failed reopen keeps writing to the
  /// moved file instead of losing records. Disabled writer: succeeds, does nothing.
  result<void, std::string> reopen();

  const cdr_writer_stats& stats() const noexcept { return stats_; }

 private:
  result<int, std::string> open_file() const;
  /// write(2) until everything is out; false with errno kept on failure.
  bool write_all(std::string_view data) noexcept;
  void on_failure(std::string_view what, int error) noexcept;
  void on_success() noexcept;

  std::string path_;
  std::string line_;  ///< reused buffer for the line being written
  int fd_ = -1;
  bool in_failure_burst_ = false;
  std::uint64_t burst_losses_ = 0;
  /// A failed write left part of a line in the file: the next line starts with '\n' so
  /// the fragment stays on a line of its own instead of corrupting a good record.
  bool fragment_pending_ = false;
  cdr_writer_stats stats_;
};

}  // namespace voxedge::daemon
