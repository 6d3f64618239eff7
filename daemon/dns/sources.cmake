# c-ares resolver, RFC 3263 server location, FQDN watching.
list(APPEND VOXEDGE_DAEMON_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/dns_resolver.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cares_resolver.cpp
  ${CMAKE_CURRENT_LIST_DIR}/server_locator.cpp
  ${CMAKE_CURRENT_LIST_DIR}/name_watcher.cpp)
