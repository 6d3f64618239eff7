#include "sip/auth/digest_client.hpp"

#include "base/random.hpp"
#include "base/text.hpp"

namespace voxedge::sip {

namespace {

// The challenge's qop-options (RFC 7616 §3.3): a comma-separated list. auth wins over
// auth-int (the brief's and RFC 3261 §22.4's default); other tokens are ignored.
result<digest_qop, digest_error> choose_qop(const auth_header& challenge) {
  const auto qop = challenge.params.get("qop");
  if (!qop) return digest_qop::none;
  bool auth = false;
  bool auth_int = false;
  std::string_view rest = *qop;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const auto item = text::trim(rest.substr(0, comma));
    if (text::iequals(item, "auth")) auth = true;
    if (text::iequals(item, "auth-int")) auth_int = true;
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
  }
  if (auth) return digest_qop::auth;
  if (auth_int) return digest_qop::auth_int;
  return fail(digest_error::unsupported_qop);
}

result<digest_algorithm, digest_error> challenge_algorithm(const auth_header& challenge) {
  const auto a = challenge.params.get("algorithm");
  if (!a) return digest_algorithm::md5;  // RFC 7616 §3.3: absent means MD5
  const auto parsed = parse_digest_algorithm(*a);
  if (!parsed) return fail(digest_error::unsupported_algorithm);
  return *parsed;
}

}  // namespace

std::optional<std::size_t> choose_digest_challenge(std::span<const auth_header> challenges) {
  std::optional<std::size_t> best;
  int best_strength = 0;
  for (std::size_t i = 0; i < challenges.size(); ++i) {
    const auto& c = challenges[i];
    if (!text::iequals(c.scheme, "Digest")) continue;
    if (!c.params.get("realm") || !c.params.get("nonce")) continue;
    const auto a = challenge_algorithm(c);
    if (!a || !choose_qop(c)) continue;
    const int s = digest_strength(*a);
    if (s > best_strength) {
      best = i;
      best_strength = s;
    }
  }
  return best;
}

digest_client::digest_client(cnonce_generator generator) : generator_(std::move(generator)) {
  if (!generator_) generator_ = [] { return random_token(32); };
}

std::uint32_t digest_client::nonce_count(std::string_view nonce) const noexcept {
  for (const auto& [n, c] : counts_) {
    if (n == nonce) return c;
  }
  return 0;
}

result<auth_header, digest_error> digest_client::authorize(const auth_header& challenge, std::string_view username,
                                                           std::string_view password, const digest_request& request) {
  if (!text::iequals(challenge.scheme, "Digest")) return fail(digest_error::not_digest);
  const auto realm = challenge.params.get("realm");
  if (!realm) return fail(digest_error::missing_realm);
  const auto nonce = challenge.params.get("nonce");
  if (!nonce || nonce->empty()) return fail(digest_error::missing_nonce);
  const auto algorithm = challenge_algorithm(challenge);
  if (!algorithm) return fail(algorithm.error());
  const auto qop = choose_qop(challenge);
  if (!qop) return fail(qop.error());

  // nc counts the requests sent with this nonce (RFC 7616 §3.4); a -sess algorithm needs
  // a cnonce even without qop (RFC 2617 §3.2.2.2).
  std::string nc;
  std::string cnonce;
  const bool sess = *algorithm == digest_algorithm::md5_sess || *algorithm == digest_algorithm::sha256_sess;
  if (*qop != digest_qop::none) {
    auto it = counts_.begin();
    while (it != counts_.end() && it->first != *nonce) ++it;
    if (it == counts_.end()) {
      if (counts_.size() >= max_nonces_) counts_.erase(counts_.begin());
      counts_.emplace_back(std::string(*nonce), 0);
      it = counts_.end() - 1;
    }
    if (it->second == UINT32_MAX) return fail(digest_error::bad_nonce_count);
    nc = format_nonce_count(++it->second);
  }
  if (*qop != digest_qop::none || sess) cnonce = generator_();

  digest_inputs in;
  in.algorithm = *algorithm;
  in.qop = *qop;
  in.username = username;
  in.realm = *realm;
  in.password = password;
  in.nonce = *nonce;
  in.cnonce = cnonce;
  in.nc = nc;
  in.method = request.method;
  in.uri = request.uri;
  in.body = request.body.value_or(std::string_view{});
  auto response = digest_response(in);
  if (!response) return fail(response.error());

  // Authorization = "Digest" digest-response (RFC 3261 §25.1, RFC 7616 §3.4).
  auth_header h;
  h.scheme = "Digest";
  h.params.set("username", username, true);
  h.params.set("realm", *realm, true);
  h.params.set("nonce", *nonce, true);
  h.params.set("uri", request.uri, true);
  h.params.set("response", *response, true);
  if (challenge.params.has("algorithm")) h.params.set("algorithm", to_string(*algorithm));
  if (!cnonce.empty()) h.params.set("cnonce", cnonce, true);
  if (const auto opaque = challenge.params.get("opaque")) h.params.set("opaque", *opaque, true);
  if (*qop != digest_qop::none) {
    h.params.set("qop", to_string(*qop));
    h.params.set("nc", nc);
  }
  return h;
}

}  // namespace voxedge::sip
