list(APPEND VOXEDGE_SIP_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/dialog.cpp
  ${CMAKE_CURRENT_LIST_DIR}/dialog_registry.cpp
  ${CMAKE_CURRENT_LIST_DIR}/peer_from_uri.cpp
  ${CMAKE_CURRENT_LIST_DIR}/reinvite_guard.cpp
  ${CMAKE_CURRENT_LIST_DIR}/session_expires.cpp
  ${CMAKE_CURRENT_LIST_DIR}/session_negotiation.cpp
  ${CMAKE_CURRENT_LIST_DIR}/session_timer.cpp)
