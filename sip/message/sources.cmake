# The SIP message layer (namespace voxedge::sip): grammar, URIs, headers, parser,
# serializer, stream framing.
list(APPEND VOXEDGE_SIP_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/abnf.cpp
  ${CMAKE_CURRENT_LIST_DIR}/auth_header.cpp
  ${CMAKE_CURRENT_LIST_DIR}/header_name.cpp
  ${CMAKE_CURRENT_LIST_DIR}/message.cpp
  ${CMAKE_CURRENT_LIST_DIR}/method.cpp
  ${CMAKE_CURRENT_LIST_DIR}/name_addr.cpp
  ${CMAKE_CURRENT_LIST_DIR}/param_list.cpp
  ${CMAKE_CURRENT_LIST_DIR}/parser.cpp
  ${CMAKE_CURRENT_LIST_DIR}/reason_header.cpp
  ${CMAKE_CURRENT_LIST_DIR}/response_builder.cpp
  ${CMAKE_CURRENT_LIST_DIR}/serializer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/stream_framer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/uri.cpp
  ${CMAKE_CURRENT_LIST_DIR}/via.cpp)
