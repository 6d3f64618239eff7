list(APPEND VOXEDGE_SIP_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/peer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/response_target.cpp
  ${CMAKE_CURRENT_LIST_DIR}/stream_connection.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tls_handshake.cpp
  ${CMAKE_CURRENT_LIST_DIR}/transport_layer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/transport_stats.cpp
  ${CMAKE_CURRENT_LIST_DIR}/udp_listener.cpp)
