#include "config/loader.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include <yaml-cpp/yaml.h>

#include "config/document_reader.hpp"
#include "config/field_reader.hpp"
#include "config/read_context.hpp"
#include "config/validation.hpp"

namespace voxedge::config {
namespace {

location to_location(const YAML::Mark& m) {
  if (m.is_null()) return {};
  return {m.line + 1, m.column + 1};
}

/// The whole file, or the errno of what failed. POSIX calls rather than iostreams so a
/// directory or an unreadable file reports its real reason.
result<std::string, int> read_whole_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(errno);
  std::string data;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      data.append(buf, static_cast<std::size_t>(n));
    } else if (n == 0) {
      break;
    } else if (errno != EINTR) {
      const int error = errno;
      ::close(fd);
      return fail(error);
    }
  }
  ::close(fd);
  return data;
}

load_result load_document(std::string_view yaml, read_context& ctx) {
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(yaml));
  } catch (const YAML::Exception& e) {
    // e.msg is the bare reason; e.what() would repeat the position in yaml-cpp's own format.
    ctx.report(to_location(e.mark), {}, e.msg);
    return fail(ctx.take_diagnostics());
  }
  if (documents.size() > 1) {
    ctx.report(to_location(documents[1].Mark()), {},
               "expected one YAML document, found " + std::to_string(documents.size()));
  }
  config out;
  const field_reader root(ctx, documents.empty() ? YAML::Node() : documents.front());
  read_document(root, out);
  validate(out, ctx);
  if (ctx.failed()) return fail(ctx.take_diagnostics());
  return out;
}

}  // namespace

load_result load_string(std::string_view yaml, std::string_view file_name) {
  read_context ctx{std::string(file_name)};
  try {
    return load_document(yaml, ctx);
  } catch (const std::exception& e) {
    // Not expected (yaml-cpp's node API can throw in corners we do not reach); the
    // promise that nothing escapes is kept all the same.
    ctx.report({}, {}, std::string("internal error while loading: ") + e.what());
    return fail(ctx.take_diagnostics());
  } catch (...) {
    ctx.report({}, {}, "internal error while loading");
    return fail(ctx.take_diagnostics());
  }
}

load_result load_file(const std::string& path) {
  auto data = read_whole_file(path);
  if (!data) {
    return fail(std::vector<diagnostic>{
        diagnostic{path, 0, 0, {}, "cannot read: " + std::generic_category().message(data.error())}});
  }
  return load_string(data.value(), path);
}

config default_config() { return config{}; }

}  // namespace voxedge::config
