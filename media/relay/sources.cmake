# The RTP relay engine (namespace voxedge::media): media workers, sessions of two legs,
# latching, SSRC/sequence/timestamp continuity, per-leg terminated RTCP.
list(APPEND VOXEDGE_MEDIA_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/packet_batch.cpp
  ${CMAKE_CURRENT_LIST_DIR}/port_pool.cpp
  ${CMAKE_CURRENT_LIST_DIR}/relay_engine.cpp
  ${CMAKE_CURRENT_LIST_DIR}/relay_leg_state.cpp
  ${CMAKE_CURRENT_LIST_DIR}/relay_session.cpp
  ${CMAKE_CURRENT_LIST_DIR}/relay_worker.cpp
  ${CMAKE_CURRENT_LIST_DIR}/source_latch.cpp
  ${CMAKE_CURRENT_LIST_DIR}/stream_rewriter.cpp)
