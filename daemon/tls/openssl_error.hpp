#pragma once
// The sentence for a failed OpenSSL call: what we were doing, then OpenSSL's reason for
// the oldest error on the thread's queue (which is cleared).
#include <string>

#include <openssl/err.h>

namespace voxedge::daemon {

inline std::string openssl_error(const std::string& what) {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return what;
  const char* reason = ERR_reason_error_string(e);
  return what + ": " + (reason != nullptr ? std::string(reason) : "OpenSSL error " + std::to_string(e));
}

}  // namespace voxedge::daemon
