#include "daemon/cdr/cdr_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <cerrno>
#include <system_error>
#include <utility>

namespace voxedge::daemon {
namespace {

std::string errno_text(int error) { return std::system_category().message(error); }

}  // namespace

cdr_writer::cdr_writer(std::string path) : path_(std::move(path)) {
  if (!enabled()) return;
  auto fd = open_file();
  if (fd) {
    fd_ = *fd;
  } else {
    // Not fatal: the next write tries again, and counts the record if that fails too.
    spdlog::error("cdr: cannot open {}: {}", path_, fd.error());
  }
}

cdr_writer::~cdr_writer() {
  if (fd_ >= 0) ::close(fd_);
}

result<int, std::string> cdr_writer::open_file() const {
  // 0640: records carry phone numbers; the group is for the log shipper.
  const int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) return fail(errno_text(errno));
  return fd;
}

result<void, std::string> cdr_writer::reopen() {
  if (!enabled()) return {};
  auto fd = open_file();
  if (!fd) return fail("cannot reopen " + path_ + ": " + fd.error());
  if (fd_ >= 0) ::close(fd_);
  fd_ = *fd;
  // A fragment left by a failed write is in the old file; the new one starts clean.
  fragment_pending_ = false;
  return {};
}

void cdr_writer::write(const cdr_record& r) noexcept {
  if (!enabled()) return;
  try {
    write_line(to_json_line(r));
  } catch (...) {
    // Only allocation can fail here; the call goes on without its CDR.
    on_failure("cannot format a record", ENOMEM);
  }
}

void cdr_writer::write_line(std::string_view json) noexcept {
  if (!enabled()) return;
  try {
    line_.clear();
    if (fragment_pending_) line_ += '\n';
    line_ += json;
    line_ += '\n';
  } catch (...) {
    on_failure("cannot format a record", ENOMEM);
    return;
  }
  if (fd_ < 0) {
    auto fd = open_file();
    if (!fd) {
      on_failure("cannot open", errno);
      return;
    }
    fd_ = *fd;
  }
  if (!write_all(line_)) {
    on_failure("cannot write", errno);
    return;
  }
  fragment_pending_ = false;
  on_success();
}

bool cdr_writer::write_all(std::string_view data) noexcept {
  // One write(2) normally takes the whole line: O_APPEND places it atomically at the end
  // of a regular file. Only a full disk or a file size limit cuts it short; the rest is
  // then retried so that a line is never left open when the disk frees up.
  while (!data.empty()) {
    const ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (n == 0) {
      errno = EIO;  // write(2) never does this for a regular file; do not spin
      return false;
    }
    fragment_pending_ = true;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

void cdr_writer::on_failure(std::string_view what, int error) noexcept {
  ++stats_.failed;
  ++burst_losses_;
  if (in_failure_burst_) return;
  in_failure_burst_ = true;
  try {
    spdlog::error("cdr: {} {}: {}; call records are lost until it works again", what, path_, errno_text(error));
  } catch (...) {  // NOLINT(bugprone-empty-catch): a log line is not worth the call
  }
}

void cdr_writer::on_success() noexcept {
  ++stats_.written;
  if (!in_failure_burst_) return;
  try {
    spdlog::warn("cdr: writing to {} again; {} record(s) were lost", path_, burst_losses_);
  } catch (...) {  // NOLINT(bugprone-empty-catch): as above
  }
  in_failure_burst_ = false;
  burst_losses_ = 0;
}

}  // namespace voxedge::daemon
