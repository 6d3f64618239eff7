# libFuzzer target for the parsing of DNS answers (daemon/dns/dns_answer.cpp); included by
# tests/fuzz/CMakeLists.txt with every *.cmake snippet next to it. The fuzz build has no
# voxedge_daemon, so the one source is compiled in directly, with c-ares.
# Run: dns_answer_fuzz -max_total_time=60 <scratch-corpus-dir> tests/fuzz/corpus/dns_answer
add_executable(dns_answer_fuzz ${CMAKE_CURRENT_LIST_DIR}/dns_answer_fuzz.cpp
                               ${CMAKE_SOURCE_DIR}/daemon/dns/dns_answer.cpp)
target_link_libraries(dns_answer_fuzz PRIVATE voxedge_base PkgConfig::CARES)
target_link_options(dns_answer_fuzz PRIVATE -fsanitize=fuzzer)
voxedge_warnings(dns_answer_fuzz)
