#pragma once
// media_control over the RTP relay engine (media/relay): owns the engine, translates the
// call's leg updates into relay leg_params and the engine's events into media_control
// events. Control thread only.
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "daemon/call/media_control.hpp"
#include "media/relay/relay_engine.hpp"

namespace voxedge::daemon {

class relay_media_control final : public media_control, private media::relay_engine::listener {
 public:
  /// `advertised_address`: the c= address our SDP gives on every leg (NAT: it always
  /// wins, like node.advertised_address in Via/Contact); empty = the address each leg
  /// is bound to.
  relay_media_control(boost::asio::io_context& control, media::relay_config config, std::string advertised_address);
  ~relay_media_control() override;

  result<void, std::string> start();
  void stop() { engine_.stop(); }
  media::relay_engine& engine() noexcept { return engine_; }
  void set_advertised_address(std::string a) { advertised_ = std::move(a); }

  // media_control
  void set_listener(media_control::listener* l) override { listener_ = l; }
  result<media_endpoints, std::string> create_session(std::uint64_t session, const media_binding& binding) override;
  void update_leg(std::uint64_t session, media_leg leg, const media_leg_update& update) override;
  void destroy_session(std::uint64_t session) override;

 private:
  // media::relay_engine::listener
  void on_media_timeout(media::relay_session_id id, media::relay_leg leg) override;
  void on_media_resumed(media::relay_session_id id, media::relay_leg leg) override;
  void on_stats(media::relay_session_id id, const media::session_stats& stats) override;
  void on_session_closed(media::relay_session_id id, const media::session_stats& final_stats) override;

  media::relay_engine engine_;
  std::string advertised_;
  media_control::listener* listener_ = nullptr;
};

}  // namespace voxedge::daemon
