# Every dependency is a Debian -dev package found through find_package or pkg-config.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
# c-ares: the daemon's resolver, and the DNS answer parsers in the fuzz build.
pkg_check_modules(CARES REQUIRED IMPORTED_TARGET libcares)

if(NOT VOXEDGE_FUZZ)
  find_package(Boost 1.74 REQUIRED COMPONENTS program_options)
  find_package(yaml-cpp REQUIRED)
  find_package(nlohmann_json 3 REQUIRED)
  find_package(prometheus-cpp CONFIG REQUIRED COMPONENTS core)
  pkg_check_modules(OPUS REQUIRED IMPORTED_TARGET opus)
  pkg_check_modules(SPANDSP REQUIRED IMPORTED_TARGET spandsp)
  pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)
endif()

if(VOXEDGE_TESTS AND NOT VOXEDGE_FUZZ)
  find_package(GTest REQUIRED)
  # libsrtp2: the oracle of the SRTP differential tests only; the daemon's SRTP is ours.
  pkg_check_modules(SRTP2 REQUIRED IMPORTED_TARGET libsrtp2)
endif()
if(VOXEDGE_BENCHMARKS AND NOT VOXEDGE_FUZZ)
  find_package(benchmark REQUIRED)
endif()

# Asio without Boost.System's library and without deprecated interfaces.
add_compile_definitions(BOOST_ASIO_NO_DEPRECATED BOOST_ASIO_DISABLE_BOOST_COROUTINE)
