#include "daemon/config_check.hpp"

#include <cstdlib>
#include <iostream>

#include "config/loader.hpp"
#include "daemon/tls/client_tls_context.hpp"
#include "daemon/tls/server_tls_context.hpp"
#include "daemon/trunk/trunk_runtime.hpp"

namespace voxedge::daemon {

std::string state_directory(const config::config& cfg) {
  if (!cfg.node.state_dir.empty()) return cfg.node.state_dir;
  if (const char* s = std::getenv("STATE_DIRECTORY"); s != nullptr && *s != '\0') {
    // systemd may pass several, colon-separated; the first is ours.
    std::string dirs(s);
    return dirs.substr(0, dirs.find(':'));
  }
  if (const char* x = std::getenv("XDG_STATE_HOME"); x != nullptr && *x != '\0') return std::string(x) + "/voxedge";
  if (const char* h = std::getenv("HOME"); h != nullptr && *h != '\0') return std::string(h) + "/.local/state/voxedge";
  return "/var/lib/voxedge";
}

result<config::config, std::vector<std::string>> load_and_verify(const std::string& path) {
  auto loaded = config::load_file(path);
  std::vector<std::string> problems;
  if (!loaded) {
    for (const auto& d : loaded.error()) problems.push_back(d.to_string());
    return fail(std::move(problems));
  }
  // Explicit certificates must load now, not at the first handshake ("auto" ones are
  // generated when the daemon starts).
  for (std::size_t i = 0; i < loaded->listeners.size(); ++i) {
    const auto& l = loaded->listeners[i];
    if (!l.tls || l.tls->self_signed()) continue;
    auto ctx = make_server_tls_context(*l.tls, {}, {});
    if (!ctx) problems.push_back(path + ": listeners[" + std::to_string(i) + "].tls: " + ctx.error());
  }
  // Trunk TLS client identities (CA bundle, client certificate and key) must load now.
  for (std::size_t i = 0; i < loaded->trunks.size(); ++i) {
    const auto& t = loaded->trunks[i];
    if (t.outbound.transport != config::sip_transport::tls) continue;
    if (auto ctx = make_client_tls_context(t.tls); !ctx) {
      problems.push_back(path + ": trunks[" + std::to_string(i) + "].tls: " + ctx.error());
    }
  }
  // Secrets must be readable now: a trunk that cannot authenticate would only fail later,
  // call by call.
  for (std::size_t i = 0; i < loaded->trunks.size(); ++i) {
    const auto& t = loaded->trunks[i];
    if (!t.credentials) continue;
    if (auto p = read_password_file(t.credentials->password_file); !p) {
      problems.push_back(path + ": trunks[" + std::to_string(i) + "].credentials.password_file: " + p.error());
    }
  }
  if (!problems.empty()) return fail(std::move(problems));
  return std::move(loaded).value();
}

int check_config(const std::string& path) {
  auto r = load_and_verify(path);
  if (!r) {
    for (const auto& p : r.error()) std::cerr << p << '\n';
    std::cerr << "voxedge: configuration file " << path << " test failed (" << r.error().size() << " problem"
              << (r.error().size() == 1 ? "" : "s") << ")\n";
    return 1;
  }
  std::cerr << "voxedge: configuration file " << path << " test is successful\n";
  return 0;
}

}  // namespace voxedge::daemon
