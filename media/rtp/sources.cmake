# RTP and RTCP (namespace voxedge::media): demultiplexing, packet views, RTCP compound
# parsing and writing, NTP time, receive/send statistics, round-trip time, MOS.
list(APPEND VOXEDGE_MEDIA_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/demultiplex.cpp
  ${CMAKE_CURRENT_LIST_DIR}/mos.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ntp_time.cpp
  ${CMAKE_CURRENT_LIST_DIR}/receive_statistics.cpp
  ${CMAKE_CURRENT_LIST_DIR}/round_trip_time.cpp
  ${CMAKE_CURRENT_LIST_DIR}/rtcp_packet.cpp
  ${CMAKE_CURRENT_LIST_DIR}/rtcp_writer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/rtp_header_extension.cpp
  ${CMAKE_CURRENT_LIST_DIR}/rtp_view.cpp
  ${CMAKE_CURRENT_LIST_DIR}/send_statistics.cpp)
