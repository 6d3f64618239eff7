list(APPEND VOXEDGE_SIP_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/branch_generator.cpp
  ${CMAKE_CURRENT_LIST_DIR}/invite_client_transaction.cpp
  ${CMAKE_CURRENT_LIST_DIR}/invite_server_transaction.cpp
  ${CMAKE_CURRENT_LIST_DIR}/non_invite_client_transaction.cpp
  ${CMAKE_CURRENT_LIST_DIR}/non_invite_server_transaction.cpp
  ${CMAKE_CURRENT_LIST_DIR}/transaction.cpp
  ${CMAKE_CURRENT_LIST_DIR}/transaction_key.cpp
  ${CMAKE_CURRENT_LIST_DIR}/transaction_layer.cpp)
