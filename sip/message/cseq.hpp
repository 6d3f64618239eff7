#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "sip/message/method.hpp"

namespace voxedge::sip {

struct cseq {
  std::uint32_t number = 0;  // < 2**31 (RFC 3261 §8.1.1.5)
  std::string method_name;   // as on the wire
  sip::method method_id = sip::method::unknown;
};

}  // namespace voxedge::sip
