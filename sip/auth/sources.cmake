# SIP authentication (namespace voxedge::sip): HTTP Digest (RFC 3261 §22.4, RFC 7616,
# RFC 8760) for clients and a minimal verifier.
list(APPEND VOXEDGE_SIP_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/digest.cpp
  ${CMAKE_CURRENT_LIST_DIR}/digest_client.cpp
  ${CMAKE_CURRENT_LIST_DIR}/digest_verifier.cpp)
