# Trunk runtime: targets, health checks, failover, digest.
list(APPEND VOXEDGE_DAEMON_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/dns_target_locator.cpp
  ${CMAKE_CURRENT_LIST_DIR}/provider_hints.cpp
  ${CMAKE_CURRENT_LIST_DIR}/target_set.cpp
  ${CMAKE_CURRENT_LIST_DIR}/trunk_metrics.cpp
  ${CMAKE_CURRENT_LIST_DIR}/trunk_runtime.cpp)
