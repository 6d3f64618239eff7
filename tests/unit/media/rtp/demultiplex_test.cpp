#include "media/rtp/demultiplex.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

namespace voxedge::media {
namespace {

packet_kind kind(std::vector<std::uint8_t> bytes) { return classify_packet(bytes); }

TEST(demultiplex, rfc7983_first_byte_ranges) {
  EXPECT_EQ(kind({0x00, 0x01}), packet_kind::stun);  // Binding request
  EXPECT_EQ(kind({0x01, 0x01}), packet_kind::stun);  // Binding success response
  EXPECT_EQ(kind({0x03}), packet_kind::stun);
  EXPECT_EQ(kind({0x04}), packet_kind::unknown);
  EXPECT_EQ(kind({0x0F}), packet_kind::unknown);
  EXPECT_EQ(kind({16}), packet_kind::zrtp);
  EXPECT_EQ(kind({19}), packet_kind::zrtp);
  EXPECT_EQ(kind({20}), packet_kind::dtls);        // ChangeCipherSpec
  EXPECT_EQ(kind({22, 0xFE}), packet_kind::dtls);  // handshake, DTLS 1.2
  EXPECT_EQ(kind({23}), packet_kind::dtls);        // application data
  EXPECT_EQ(kind({63}), packet_kind::dtls);
  EXPECT_EQ(kind({64}), packet_kind::turn_channel);
  EXPECT_EQ(kind({79}), packet_kind::turn_channel);
  EXPECT_EQ(kind({80}), packet_kind::unknown);
  EXPECT_EQ(kind({127}), packet_kind::unknown);
  EXPECT_EQ(kind({192, 0}), packet_kind::unknown);
  EXPECT_EQ(kind({255, 0}), packet_kind::unknown);
  EXPECT_EQ(kind({}), packet_kind::unknown);
}

TEST(demultiplex, rtp_versus_rtcp_by_payload_type_rfc5761) {
  EXPECT_EQ(kind({0x80, 0x00}), packet_kind::rtp);   // PCMU
  EXPECT_EQ(kind({0x80, 0x88}), packet_kind::rtp);   // PCMA with the marker bit
  EXPECT_EQ(kind({0x90, 0x6F}), packet_kind::rtp);   // dynamic 111 (Opus), X set
  EXPECT_EQ(kind({0xBF, 0x3F}), packet_kind::rtp);   // PT 63
  EXPECT_EQ(kind({0x80, 0xE0}), packet_kind::rtp);   // PT 96 with the marker bit
  EXPECT_EQ(kind({0x80, 0xC8}), packet_kind::rtcp);  // SR
  EXPECT_EQ(kind({0x81, 0xC9}), packet_kind::rtcp);  // RR
  EXPECT_EQ(kind({0x81, 0xCD}), packet_kind::rtcp);  // RTPFB
  EXPECT_EQ(kind({0x80, 0xCF}), packet_kind::rtcp);  // XR
  EXPECT_EQ(kind({0x80, 0xC0}), packet_kind::rtcp);  // 192, lowest of the range
  EXPECT_EQ(kind({0x80, 0xDF}), packet_kind::rtcp);  // 223, highest
  EXPECT_EQ(kind({0x80, 0x40}), packet_kind::rtcp);  // PT 64 without the marker: still excluded from RTP
  EXPECT_EQ(kind({0x80}), packet_kind::unknown);     // cannot tell from one byte
  EXPECT_TRUE(is_rtcp_payload_type(200));
  EXPECT_FALSE(is_rtcp_payload_type(96));
}

TEST(demultiplex, names) {
  EXPECT_EQ(to_string(packet_kind::stun), "stun");
  EXPECT_EQ(to_string(packet_kind::rtcp), "rtcp");
  EXPECT_EQ(to_string(packet_kind::turn_channel), "turn_channel");
}

}  // namespace
}  // namespace voxedge::media
