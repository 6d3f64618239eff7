# libFuzzer target for SDP and offer/answer; include() it from tests/fuzz/CMakeLists.txt.
# Run: sdp_parser_fuzz -max_total_time=60 <scratch-corpus-dir> tests/fuzz/corpus/sdp_parser
add_executable(sdp_parser_fuzz ${CMAKE_CURRENT_LIST_DIR}/sdp_parser_fuzz.cpp)
target_link_libraries(sdp_parser_fuzz PRIVATE voxedge_media)
target_link_options(sdp_parser_fuzz PRIVATE -fsanitize=fuzzer)
voxedge_warnings(sdp_parser_fuzz)
