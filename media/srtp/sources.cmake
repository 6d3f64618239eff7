# SRTP (RFC 3711) with SDES keying (RFC 4568) over libsrtp2.
list(APPEND VOXEDGE_MEDIA_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/srtp_key.cpp
  ${CMAKE_CURRENT_LIST_DIR}/srtp_session.cpp
  ${CMAKE_CURRENT_LIST_DIR}/srtp_suite.cpp)
