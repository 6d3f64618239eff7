#pragma once
// A small result type: a value or an error, never both. Untrusted input on the hot path
// reports failure through this instead of throwing (DESIGN.md §5). Neither std::expected
// (absent from Debian's libstdc++ under clang) nor boost::system::result (absent from
// Boost 1.74) is available to us.
#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

namespace voxedge {

template <class E>
struct failure {
  E error;
};

/// Wraps an error for returning from a function whose return type is result<T, E>.
template <class E>
failure<std::decay_t<E>> fail(E&& e) {
  return failure<std::decay_t<E>>{std::forward<E>(e)};
}

template <class T, class E>
class [[nodiscard]] result {
 public:
  using value_type = T;
  using error_type = E;

  result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT(google-explicit-constructor)
  template <class F>
  result(failure<F> f) : v_(std::in_place_index<1>, std::move(f.error)) {}  // NOLINT

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & {
    assert(ok());
    return *std::get_if<0>(&v_);
  }
  const T& value() const& {
    assert(ok());
    return *std::get_if<0>(&v_);
  }
  T&& value() && {
    assert(ok());
    return std::move(*std::get_if<0>(&v_));
  }
  const E& error() const& {
    assert(!ok());
    return *std::get_if<1>(&v_);
  }
  E&& error() && {
    assert(!ok());
    return std::move(*std::get_if<1>(&v_));
  }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, E> v_;
};

/// result<void, E>: success carries nothing.
template <class E>
class [[nodiscard]] result<void, E> {
 public:
  result() = default;
  template <class F>
  result(failure<F> f) : error_(std::move(f.error)), ok_(false) {}  // NOLINT

  bool ok() const noexcept { return ok_; }
  explicit operator bool() const noexcept { return ok_; }
  const E& error() const& {
    assert(!ok_);
    return error_;
  }

 private:
  E error_{};
  bool ok_ = true;
};

}  // namespace voxedge
