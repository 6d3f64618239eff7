# c-ares resolver, RFC 3263 server location, FQDN watching.
# dns_answer.cpp (parsing of DNS answers, untrusted bytes) is also compiled into
# tests/fuzz/dns_answer_fuzz, which builds without the daemon library.
list(APPEND VOXEDGE_DAEMON_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/dns_resolver.cpp
  ${CMAKE_CURRENT_LIST_DIR}/dns_answer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cares_resolver.cpp
  ${CMAKE_CURRENT_LIST_DIR}/server_locator.cpp
  ${CMAKE_CURRENT_LIST_DIR}/name_watcher.cpp)
