#pragma once
// What the TU holds to refer to a transaction: an id, never a pointer. Every operation
// on a handle looks the id up first, so a handle to a transaction that has terminated
// (a B2BUA answers late all the time) is harmless: the operation reports false or does
// nothing. Ids are never reused within one transaction_layer; 0 is the null handle.
#include <cstddef>
#include <cstdint>
#include <functional>

namespace voxedge::sip {

struct client_transaction_handle {
  std::uint64_t id = 0;
  explicit operator bool() const noexcept { return id != 0; }
  friend bool operator==(client_transaction_handle, client_transaction_handle) = default;
};

struct server_transaction_handle {
  std::uint64_t id = 0;
  explicit operator bool() const noexcept { return id != 0; }
  friend bool operator==(server_transaction_handle, server_transaction_handle) = default;
};

}  // namespace voxedge::sip

template <>
struct std::hash<voxedge::sip::client_transaction_handle> {
  std::size_t operator()(voxedge::sip::client_transaction_handle h) const noexcept {
    return std::hash<std::uint64_t>{}(h.id);
  }
};

template <>
struct std::hash<voxedge::sip::server_transaction_handle> {
  std::size_t operator()(voxedge::sip::server_transaction_handle h) const noexcept {
    return std::hash<std::uint64_t>{}(h.id);
  }
};
