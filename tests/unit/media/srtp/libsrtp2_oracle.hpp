#pragma once
// libsrtp2 as the oracle our SRTP is compared with (srtp_differential_test.cpp and
// tests/fuzz/srtp_unprotect_fuzz.cpp): one srtp_t with the policy the daemon used when it
// ran on libsrtp2 (SSRC wildcard, default replay window, no repeated transmission).
// Test code only; the daemon does not link libsrtp2.
#include <cstddef>
#include <cstdint>

#include "media/srtp/srtp_key.hpp"

struct srtp_ctx_t_;

namespace voxedge::media::testing {

class libsrtp2_oracle {
 public:
  libsrtp2_oracle(bool outbound, srtp_suite suite, const srtp_key& key) noexcept;
  ~libsrtp2_oracle();
  libsrtp2_oracle(const libsrtp2_oracle&) = delete;
  libsrtp2_oracle& operator=(const libsrtp2_oracle&) = delete;

  bool ready() const noexcept { return ctx_ != nullptr; }

  /// libsrtp2's srtp_err_status_t (0 = ok). `buffer` must have room for the trailer
  /// (srtp_session::max_overhead) after `size` bytes when protecting, and be 4-aligned.
  int protect_rtp(std::uint8_t* buffer, std::size_t& size) noexcept;
  int protect_rtcp(std::uint8_t* buffer, std::size_t& size) noexcept;
  int unprotect_rtp(std::uint8_t* buffer, std::size_t& size) noexcept;
  int unprotect_rtcp(std::uint8_t* buffer, std::size_t& size) noexcept;

 private:
  srtp_ctx_t_* ctx_ = nullptr;
  bool mki_ = false;
};

}  // namespace voxedge::media::testing
