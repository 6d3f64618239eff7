# libFuzzer target for SRTP/SRTCP unprotect (media/srtp); tests/fuzz/CMakeLists.txt
# includes every *.cmake snippet next to it. The fuzz build leaves media/srtp out of
# voxedge_media, so its sources are compiled here. With libsrtp2's -dev package present
# the target is differential: libsrtp2 must accept and reject what ours does.
# Run: srtp_unprotect_fuzz -max_total_time=60 <scratch-corpus-dir> corpus/srtp_unprotect
pkg_check_modules(SRTP2_ORACLE IMPORTED_TARGET libsrtp2)
add_executable(srtp_unprotect_fuzz srtp_unprotect_fuzz.cpp
  ${PROJECT_SOURCE_DIR}/media/srtp/srtp_key.cpp
  ${PROJECT_SOURCE_DIR}/media/srtp/srtp_session.cpp
  ${PROJECT_SOURCE_DIR}/media/srtp/srtp_suite.cpp)
target_link_libraries(srtp_unprotect_fuzz PRIVATE voxedge_media OpenSSL::Crypto)
if(SRTP2_ORACLE_FOUND)
  target_sources(srtp_unprotect_fuzz PRIVATE ${PROJECT_SOURCE_DIR}/tests/unit/media/srtp/libsrtp2_oracle.cpp)
  target_link_libraries(srtp_unprotect_fuzz PRIVATE PkgConfig::SRTP2_ORACLE)
  target_compile_definitions(srtp_unprotect_fuzz PRIVATE VOXEDGE_FUZZ_LIBSRTP2=1)
endif()
target_link_options(srtp_unprotect_fuzz PRIVATE -fsanitize=fuzzer)
voxedge_warnings(srtp_unprotect_fuzz)
