list(APPEND VOXEDGE_DAEMON_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/client_tls_context.cpp
  ${CMAKE_CURRENT_LIST_DIR}/self_signed_certificate.cpp
  ${CMAKE_CURRENT_LIST_DIR}/server_tls_context.cpp)
