# SDP (RFC 8866) and offer/answer (RFC 3264), namespace voxedge::media.
list(APPEND VOXEDGE_MEDIA_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/codec_matching.cpp
  ${CMAKE_CURRENT_LIST_DIR}/connection_data.cpp
  ${CMAKE_CURRENT_LIST_DIR}/crypto_attribute.cpp
  ${CMAKE_CURRENT_LIST_DIR}/negotiated_session.cpp
  ${CMAKE_CURRENT_LIST_DIR}/offer_answer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/payload_type_map.cpp
  ${CMAKE_CURRENT_LIST_DIR}/rtp_payload_types.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sdp_attributes.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sdp_grammar.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sdp_parser.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sdp_writer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/session_description.cpp
  ${CMAKE_CURRENT_LIST_DIR}/session_version.cpp)
