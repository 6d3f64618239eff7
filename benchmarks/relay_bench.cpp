// RTP relay throughput on loopback: N calls through ONE media worker, each call one
// stream a → b (172-byte G.711 packets). A sender thread plays the far side of every
// leg a, a receiver thread the far side of every leg b (all legs b point at its one
// socket). Two loads:
//   paced   one packet per stream every 20 ms (a real G.711 call), for a few seconds;
//   flood   as fast as the worker forwards, with at most `window` packets in flight.
// Figures: packets/s forwarded, CPU of the worker thread itself per forwarded packet
// (its CLOCK_THREAD_CPUTIME-style clock, so the load generator's CPU is not counted),
// loss, and heap allocations per forwarded packet in steady state, counted by the
// replacement operator new below (the media path must not allocate: DESIGN.md §3).
// The srtp rows run the same load with leg a as an SRTP leg (AES_CM_128_HMAC_SHA1_80:
// the sender protects, the worker authenticates and decrypts before forwarding in
// plain); for them the worker thread's malloc() calls are counted too, since OpenSSL
// is C and never reaches operator new.
// Every loop is bounded in count and time; loopback only.
#include <dirent.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <new>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "media/relay/relay_engine.hpp"
#include "media/rtp/byte_io.hpp"
#include "media/srtp/srtp_session.hpp"

// ---- malloc counting: the worker thread's malloc()/calloc()/realloc() (glibc) ----
extern "C" {
void* __libc_malloc(std::size_t n);  // NOLINT(bugprone-reserved-identifier)
void* __libc_calloc(std::size_t n, std::size_t size);
void* __libc_realloc(void* p, std::size_t n);
}
namespace {
std::atomic<long> g_worker_tid{-1};  // the relay worker's thread id, once found
std::atomic<std::uint64_t> g_worker_mallocs{0};
void count_malloc() noexcept {
  // The thread id is read once per thread; only the worker's calls are counted, so the
  // sender's own SRTP protection does not show up in the figure.
  static thread_local long tid = 0;
  if (tid == 0) tid = ::syscall(SYS_gettid);
  if (tid == g_worker_tid.load(std::memory_order_relaxed)) g_worker_mallocs.fetch_add(1, std::memory_order_relaxed);
}
}  // namespace
extern "C" void* malloc(std::size_t n) {
  count_malloc();
  return __libc_malloc(n);
}
extern "C" void* calloc(std::size_t n, std::size_t size) {
  count_malloc();
  return __libc_calloc(n, size);
}
extern "C" void* realloc(void* p, std::size_t n) {
  count_malloc();
  return __libc_realloc(p, n);
}

// ---- allocation counting: every allocation in the process goes through here ----
namespace {
std::atomic<std::uint64_t> g_allocations{0};
void* counted_alloc(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* counted_aligned_alloc(std::size_t n, std::align_val_t a) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  const auto align = static_cast<std::size_t>(a);
  if (void* p = std::aligned_alloc(align, (n + align - 1) / align * align)) return p;
  throw std::bad_alloc();
}
}  // namespace

void* operator new(std::size_t n) { return counted_alloc(n); }
void* operator new[](std::size_t n) { return counted_alloc(n); }
void* operator new(std::size_t n, std::align_val_t a) { return counted_aligned_alloc(n, a); }
void* operator new[](std::size_t n, std::align_val_t a) { return counted_aligned_alloc(n, a); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(n == 0 ? 1 : n);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(n == 0 ? 1 : n);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

namespace {

using namespace voxedge;
using namespace voxedge::media;
using namespace std::chrono_literals;
using boost::asio::ip::udp;
using bench_clock = std::chrono::steady_clock;

constexpr std::size_t packet_size = 12 + 160;  // G.711, 20 ms
constexpr std::size_t batch = 32;

struct options {
  double seconds = 3.0;
  std::vector<unsigned> streams{50, 200};
  std::vector<unsigned> batch_sizes{32, 1};
  std::size_t window = 2048;
  bool srtp = true;  // also the srtp rows (batched only)
};

/// The worker thread's own CPU clock, found by its name ("relay-0"). Linux encodes a
/// thread CPU clock id as ((~tid) << 3) | CPUCLOCK_PERTHREAD | CPUCLOCK_SCHED, which is
/// what pthread_getcpuclockid returns; the engine does not expose its pthread_t.
std::optional<clockid_t> worker_clock() {
  DIR* d = ::opendir("/proc/self/task");
  if (d == nullptr) return std::nullopt;
  std::optional<clockid_t> found;
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;
    std::ifstream comm(std::string("/proc/self/task/") + e->d_name + "/comm");
    std::string name;
    std::getline(comm, name);
    if (name == "relay-0") {
      const auto tid = static_cast<clockid_t>(std::atoi(e->d_name));
      found = static_cast<clockid_t>((~tid) << 3) | 6;
      g_worker_tid.store(tid, std::memory_order_relaxed);
    }
  }
  ::closedir(d);
  return found;
}

double cpu_seconds(clockid_t c) {
  timespec ts{};
  ::clock_gettime(c, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

class null_listener final : public relay_engine::listener {
 public:
  void on_media_timeout(relay_session_id, relay_leg) override {}
  void on_media_resumed(relay_session_id, relay_leg) override {}
  void on_stats(relay_session_id, const session_stats&) override {}
  void on_session_closed(relay_session_id, const session_stats&) override { ++closed; }
  std::size_t closed = 0;
};

int bound_socket(std::uint16_t& port) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  port = ntohs(a.sin_port);
  const int size = 4 << 20;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  return fd;
}

struct result_row {
  double pps = 0;
  double us_per_packet = 0;
  double allocations_per_packet = 0;
  double mallocs_per_packet = 0;
  double loss_percent = 0;
  std::uint64_t forwarded = 0;
};

/// One run: `streams` calls, paced (20 ms) or flooding, for `seconds`.
std::optional<result_row> run(unsigned streams, unsigned batch_size, bool paced, bool srtp, const options& opt,
                              std::uint16_t port_base) {
  boost::asio::io_context control;
  null_listener events;
  relay_config config;
  config.port_min = port_base;
  config.port_max = static_cast<std::uint16_t>(port_base + 4 * streams + 63);
  config.workers = 1;
  config.batch_size = batch_size;
  config.stats_interval = 0s;
  relay_engine engine(control, config, events);
  if (!engine.start().ok()) {
    std::fprintf(stderr, "relay_bench: engine did not start\n");
    return std::nullopt;
  }

  std::uint16_t rx_port = 0;
  std::uint16_t tx_port = 0;
  const int rx = bound_socket(rx_port);
  const int tx = bound_socket(tx_port);
  std::vector<sockaddr_in> targets(streams);
  // SRTP on leg a: the far side's key (the sender protects with it) and ours.
  std::array<std::uint8_t, 30> far_bytes{};
  std::array<std::uint8_t, 30> our_bytes{};
  for (std::size_t k = 0; k < far_bytes.size(); ++k) {
    far_bytes[k] = static_cast<std::uint8_t>(k * 7 + 1);
    our_bytes[k] = static_cast<std::uint8_t>(k * 13 + 5);
  }
  const auto far_key = *srtp_key::from_bytes(far_bytes);
  const auto our_key = *srtp_key::from_bytes(our_bytes);
  // One protecting session per stream, as each stream's far side is its own peer (an
  // outbound session remembers at most max_sources SSRCs and refuses more).
  std::vector<srtp_session> protectors;
  for (unsigned i = 0; srtp && i < streams; ++i) {
    auto s = srtp_session::create(srtp_session::direction::outbound, srtp_suite::aes_cm_128_hmac_sha1_80, far_key);
    if (!s) {
      std::fprintf(stderr, "relay_bench: srtp: %s\n", std::string(to_string(s.error())).c_str());
      return std::nullopt;
    }
    protectors.push_back(std::move(s).value());
  }
  std::atomic<std::uint64_t> protect_failures{0};
  for (unsigned i = 0; i < streams; ++i) {
    auto ports = engine.create_session(i + 1);
    if (!ports.ok()) {
      std::fprintf(stderr, "relay_bench: create_session: %s\n", std::string(to_string(ports.error())).c_str());
      return std::nullopt;
    }
    leg_params a;
    a.remote_rtp = udp::endpoint(boost::asio::ip::make_address("127.0.0.1"), tx_port);
    if (srtp) a.srtp = leg_srtp{srtp_suite::aes_cm_128_hmac_sha1_80, far_key, our_key};
    leg_params b;
    b.remote_rtp = udp::endpoint(boost::asio::ip::make_address("127.0.0.1"), rx_port);
    engine.update_leg(i + 1, relay_leg::a, a);
    engine.update_leg(i + 1, relay_leg::b, b);
    targets[i].sin_family = AF_INET;
    targets[i].sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    targets[i].sin_port = htons(ports->a_rtp);
  }
  // The worker names itself once it runs: look until it has (bounded).
  auto cpu_clock = worker_clock();
  for (int attempt = 0; attempt < 100 && !cpu_clock; ++attempt) {
    std::this_thread::sleep_for(10ms);
    cpu_clock = worker_clock();
  }
  if (!cpu_clock) {
    std::fprintf(stderr, "relay_bench: worker thread not found\n");
    return std::nullopt;
  }

  // Packets per stream, rewritten in place as sequence and timestamp advance (and, for
  // SRTP, protected afresh from the plain template each time), with room for the trailer.
  struct wire_packet {
    alignas(16) std::array<std::uint8_t, packet_size + srtp_session::max_overhead> bytes;
    std::size_t size = packet_size;
  };
  std::vector<wire_packet> packets(streams);
  std::array<std::uint8_t, packet_size> plain{};
  plain.fill(0xD5);
  plain[0] = 0x80;
  plain[1] = 0;

  std::atomic<std::uint64_t> sent{0};
  std::atomic<std::uint64_t> received{0};
  std::atomic<bool> sending{true};
  const auto start = bench_clock::now();
  const auto warmup_end = start + 500ms;
  const auto end =
      start + std::chrono::duration_cast<bench_clock::duration>(std::chrono::duration<double>(opt.seconds));

  std::thread receiver([&] {
    std::array<std::array<std::uint8_t, 256>, batch> bufs{};
    std::array<iovec, batch> iov{};
    std::array<mmsghdr, batch> msgs{};
    for (std::size_t i = 0; i < batch; ++i) {
      iov[i] = {bufs[i].data(), bufs[i].size()};
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    const auto hard_stop = end + 2s;
    while (bench_clock::now() < hard_stop) {
      pollfd p{rx, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) {
        if (!sending.load() && received.load() >= sent.load()) break;
        if (!sending.load() && bench_clock::now() > end + 300ms) break;
        continue;
      }
      const int n = ::recvmmsg(rx, msgs.data(), batch, MSG_DONTWAIT, nullptr);
      if (n > 0) received.fetch_add(static_cast<std::uint64_t>(n), std::memory_order_relaxed);
    }
  });

  std::thread sender([&] {
    std::array<iovec, batch> iov{};
    std::array<mmsghdr, batch> msgs{};
    std::uint32_t seq = 0;
    auto next_tick = bench_clock::now();
    while (bench_clock::now() < end) {
      if (paced) {
        std::this_thread::sleep_until(next_tick);
        next_tick += 20ms;
      } else {
        // Closed loop: no more than `window` packets in flight, so the figure is what
        // the worker sustains rather than what the kernel drops.
        for (int spin = 0; spin < 100000 && sent.load() > received.load() + opt.window; ++spin)
          std::this_thread::yield();
      }
      for (unsigned first = 0; first < streams; first += batch) {
        const unsigned count = std::min<unsigned>(batch, streams - first);
        for (unsigned k = 0; k < count; ++k) {
          auto& p = packets[first + k];
          std::copy(plain.begin(), plain.end(), p.bytes.begin());
          byte_io::store_be16(&p.bytes[2], static_cast<std::uint16_t>(seq));
          byte_io::store_be32(&p.bytes[4], seq * 160);
          byte_io::store_be32(&p.bytes[8], 0x10000 + first + k);
          p.size = packet_size;
          if (!protectors.empty() && protectors[first + k].protect_rtp(p.bytes, p.size) != srtp_status::ok) {
            protect_failures.fetch_add(1, std::memory_order_relaxed);
          }
          iov[k] = {p.bytes.data(), p.size};
          msgs[k].msg_hdr = {};
          msgs[k].msg_hdr.msg_name = &targets[first + k];
          msgs[k].msg_hdr.msg_namelen = sizeof(sockaddr_in);
          msgs[k].msg_hdr.msg_iov = &iov[k];
          msgs[k].msg_hdr.msg_iovlen = 1;
        }
        const int n = ::sendmmsg(tx, msgs.data(), count, 0);
        if (n > 0) sent.fetch_add(static_cast<std::uint64_t>(n), std::memory_order_relaxed);
      }
      ++seq;
    }
    sending.store(false);
  });

  // Steady-state window: from the end of the warm-up to the end of sending.
  std::this_thread::sleep_until(warmup_end);
  const double cpu0 = cpu_seconds(*cpu_clock);
  const std::uint64_t alloc0 = g_allocations.load();
  const std::uint64_t malloc0 = g_worker_mallocs.load();
  const std::uint64_t recv0 = received.load();
  const auto t0 = bench_clock::now();
  std::this_thread::sleep_until(end);
  const std::uint64_t alloc1 = g_allocations.load();
  const std::uint64_t malloc1 = g_worker_mallocs.load();
  const double cpu1 = cpu_seconds(*cpu_clock);
  const std::uint64_t recv1 = received.load();
  const auto t1 = bench_clock::now();
  sender.join();
  receiver.join();

  result_row r;
  r.forwarded = recv1 - recv0;
  const double secs = std::chrono::duration<double>(t1 - t0).count();
  r.pps = static_cast<double>(r.forwarded) / secs;
  r.us_per_packet = r.forwarded ? (cpu1 - cpu0) * 1e6 / static_cast<double>(r.forwarded) : 0;
  r.allocations_per_packet = r.forwarded ? static_cast<double>(alloc1 - alloc0) / static_cast<double>(r.forwarded) : 0;
  r.mallocs_per_packet = r.forwarded ? static_cast<double>(malloc1 - malloc0) / static_cast<double>(r.forwarded) : 0;
  const auto s = sent.load();
  r.loss_percent = s ? 100.0 * static_cast<double>(s - std::min(s, received.load())) / static_cast<double>(s) : 0;

  for (unsigned i = 0; i < streams; ++i) engine.destroy_session(i + 1);
  const auto close_deadline = bench_clock::now() + 2s;
  while (events.closed < streams && bench_clock::now() < close_deadline) control.run_for(10ms);
  engine.stop();
  ::close(rx);
  ::close(tx);
  if (const auto failed = protect_failures.load(); failed != 0) {
    // The figures would be for a relay dropping what it cannot authenticate.
    std::fprintf(stderr, "relay_bench: %llu packets could not be protected\n", static_cast<unsigned long long>(failed));
    return std::nullopt;
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  options opt;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string key = argv[i];
    const std::string value = argv[i + 1];
    if (key == "--seconds") opt.seconds = std::max(1.0, std::atof(value.c_str()));
    if (key == "--batch") opt.batch_sizes = {static_cast<unsigned>(std::atoi(value.c_str()))};
    if (key == "--streams") opt.streams = {static_cast<unsigned>(std::atoi(value.c_str()))};
    if (key == "--srtp") opt.srtp = value != "0";
  }
  // High ports, away from the unit tests' slices (40000-63999 by pid).
  const auto port_base = static_cast<std::uint16_t>(20000 + (::getpid() % 20) * 1000);
  for (const bool srtp : {false, true}) {
    if (srtp && !opt.srtp) continue;
    for (const unsigned b : opt.batch_sizes) {
      if (srtp && b == 1) continue;  // batching is measured on plain RTP; SRTP costs the same either way
      for (const bool paced : {true, false}) {
        for (const unsigned n : opt.streams) {
          const auto r = run(n, b, paced, srtp, opt, port_base);
          if (!r) {
            std::printf("relay: %u streams: setup failed\n", n);
            return 1;
          }
          std::printf("# %s, %s, loss %.3f %%%s\n", paced ? "paced 20 ms" : "flood",
                      b == 1 ? "recvfrom/sendto" : "recvmmsg/sendmmsg x32", r->loss_percent,
                      srtp ? ", leg a SRTP AES_CM_128_HMAC_SHA1_80 (unprotected by the worker)" : "");
          std::printf("# worker malloc() calls/packet, C libraries included: %.3f\n", r->mallocs_per_packet);
          std::printf("relay: %u streams%s, %.0f packets/s, %.2f us CPU/packet, %.3f allocations/packet\n", n,
                      srtp ? " srtp" : "", r->pps, r->us_per_packet, r->allocations_per_packet);
          std::fflush(stdout);
        }
      }
    }
  }
  return 0;
}
