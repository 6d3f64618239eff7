# SRTP (RFC 3711, RFC 6188, RFC 7714) with SDES keying (RFC 4568), over OpenSSL 3 EVP.
# libsrtp2 is no dependency of the daemon: only the differential tests and the fuzzer
# link it, as the oracle (tests/unit/media/srtp, tests/fuzz/srtp.cmake).
list(APPEND VOXEDGE_MEDIA_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/srtp_key.cpp
  ${CMAKE_CURRENT_LIST_DIR}/srtp_session.cpp
  ${CMAKE_CURRENT_LIST_DIR}/srtp_suite.cpp)
