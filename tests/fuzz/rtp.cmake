# libFuzzer target for RTP/RTCP (media/rtp); tests/fuzz/CMakeLists.txt includes every
# *.cmake snippet next to it.
# Run: rtp_packet_fuzz -max_total_time=60 <scratch-corpus-dir> corpus/rtp_packet
add_executable(rtp_packet_fuzz rtp_packet_fuzz.cpp)
target_link_libraries(rtp_packet_fuzz PRIVATE voxedge_media)
target_link_options(rtp_packet_fuzz PRIVATE -fsanitize=fuzzer)
voxedge_warnings(rtp_packet_fuzz)
