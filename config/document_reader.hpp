#pragma once
// Reads a parsed YAML document into the schema: one function per mapping of config.hpp,
// each listing its keys once. Problems with single values (types, ranges, syntax, unknown
// keys) are reported here; relations between values are config/validation.hpp's.
#include "config/config.hpp"
#include "config/field_reader.hpp"

namespace voxedge::config {

/// Fills `out` (which starts as config{}) from the document root, reporting into the
/// reader's context. Whatever is wrong is left at its default.
void read_document(const field_reader& root, config& out);

}  // namespace voxedge::config
