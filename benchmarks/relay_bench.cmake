# RTP relay throughput through one media worker (not Google Benchmark: it drives real
# sockets from its own threads and counts allocations with a replaced operator new).
add_executable(relay_bench ${CMAKE_CURRENT_LIST_DIR}/relay_bench.cpp)
target_link_libraries(relay_bench PRIVATE voxedge_media)
voxedge_warnings(relay_bench)
