#include "wrap/wrapper_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/error.h"
#include "base/input_file.h"
#include "base/output_file.h"
#include "wrap/binary_wrapper.h"
#include "wrap/error.h"
#include "wrap/shell_wrapper.h"

namespace shelf::wrap {

namespace fs = std::filesystem;

namespace {

std::string read_file(const std::string& path) {
  try {
    return base::read_whole_file(path);
  } catch (const base::Error& e) {
    throw input_error(path, e.reason());
  }
}

// Devices and FIFOs are written into, regular files replaced by rename,
// nothing else touched (base/output_file.h).
void write_atomically(const std::string& bytes, const std::string& out) {
  fs::path dir = fs::path(out).parent_path();
  if (dir.empty()) dir = ".";
  std::error_code ec;
  fs::create_directories(dir, ec);
  try {
    base::write_output(out, bytes, 0755);
  } catch (const base::Error& e) {
    if (e.kind() == base::Error::Kind::usage) throw usage_error(out, e.reason());
    throw input_error(out, e.reason());
  }
}

// Bytes [offset, offset+length) of `path`, fewer at the end of the file.
std::string read_range(const std::string& path, uint64_t offset, uint64_t length) {
  try {
    return base::read_range(path, offset, length);
  } catch (const base::Error& e) {
    throw input_error(path, e.reason());
  }
}

// The plan line of a shell wrapper: "# shelf-wrapper-plan: HEX" near the top.
std::optional<Plan> plan_of_shell_wrapper(const std::string& path) {
  // The plan is hex: at most twice the largest blob, plus the lines before it.
  std::istringstream in(read_range(path, 0, 2ull * SHELF_BLOB_MAX_RECORDS_SIZE + 64 * 1024));
  std::string line;
  for (int n = 0; n < 8 && std::getline(in, line); ++n) {
    if (line.rfind(kShellPlanMarker, 0) != 0) continue;
    std::string hex = line.substr(std::strlen(kShellPlanMarker));
    if (hex.size() % 2 != 0) throw input_error(path, "shelf plan line has an odd number of hex digits");
    std::string blob;
    for (size_t i = 0; i < hex.size(); i += 2) {
      auto nibble = [&](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        throw input_error(path, "shelf plan line holds a non-hex character");
      };
      blob += static_cast<char>(nibble(hex[i]) * 16 + nibble(hex[i + 1]));
    }
    std::optional<Plan> plan = decode_plan(blob, path);
    if (!plan) throw input_error(path, "shelf plan line has no trailer");
    return plan;
  }
  return std::nullopt;
}

// A compiled wrapper's plan, reading only the file's tail (programs being
// wrapped in place can be large).
std::optional<Plan> plan_of_binary_wrapper(const std::string& path) {
  std::error_code ec;
  uint64_t size = fs::file_size(path, ec);
  if (ec) throw input_error(path, "cannot read: " + ec.message());
  if (size < SHELF_BLOB_TRAILER_SIZE) return std::nullopt;
  std::string trailer = read_range(path, size - SHELF_BLOB_TRAILER_SIZE, SHELF_BLOB_TRAILER_SIZE);
  if (trailer.compare(16, SHELF_BLOB_MAGIC_SIZE, SHELF_BLOB_MAGIC) != 0) return std::nullopt;
  uint64_t records = 0;
  for (int i = 7; i >= 0; --i) records = (records << 8) | static_cast<unsigned char>(trailer[i]);
  // decode_plan checks the size against what it is given: give it at most
  // the whole file, so a lying trailer is reported, not trusted.
  uint64_t want = std::min<uint64_t>(size, std::min<uint64_t>(records, SHELF_BLOB_MAX_RECORDS_SIZE + 1) +
                                               SHELF_BLOB_TRAILER_SIZE);
  return decode_plan(read_range(path, size - want, want), path);
}

}  // namespace

std::string render_wrapper(const Plan& plan, const WriteOptions& options) {
  std::string bytes;
  if (options.kind == WrapperKind::binary) {
    require_compilable(plan);
    bytes = build_binary_wrapper(plan, read_file(options.launcher));
  } else {
    if (needs_argv0_control(plan) && !shell_supports_exec_a(options.shell))
      throw usage_error("--argv0/--inherit-argv0/--resolve-argv0",
                        options.shell + " has no `exec -a`, so a shell wrapper cannot set argv[0]; use --shell "
                                        "with bash, zsh, mksh or busybox sh, or --binary");
    bytes = render_shell_wrapper(plan, options.shell);
  }
  return bytes;
}

void write_wrapper(const Plan& plan, const WriteOptions& options, const std::string& out) {
  write_atomically(render_wrapper(plan, options), out);
}

std::optional<Plan> read_wrapper(const std::string& path) {
  if (read_range(path, 0, 2) == "#!") return plan_of_shell_wrapper(path);
  return plan_of_binary_wrapper(path);
}

InPlaceResult wrap_in_place(const std::string& target, const std::vector<Operation>& operations,
                            const WriteOptions& options) {
  InPlaceResult result;
  WrapperSpec spec{target, operations};
  if (std::optional<Plan> existing = read_wrapper(target)) {
    // Wrap the wrapper's target: keep one wrapper, steps appended.
    spec.target = existing->target;
    Plan more = lower(spec);
    write_wrapper(merged(*existing, more.steps), options, target);
    result.wrapped = existing->target;
    return result;
  }
  bool inherit = options.kind == WrapperKind::binary || shell_supports_exec_a(options.shell);
  if (inherit)
    spec.operations.insert(spec.operations.begin(), Operation{OpKind::inherit_argv0, {}});
  else
    result.warning = options.shell + " has no `exec -a`: the wrapped program sees its hidden path as argv[0] "
                                     "(use --binary or --shell /bin/bash to keep the name)";
  Plan plan = lower(spec);  // checks everything before anything moves
  fs::path p(plan.target);
  std::string hidden = (p.parent_path() / ("." + p.filename().string() + "-wrapped")).string();
  while (fs::exists(fs::symlink_status(hidden))) hidden += "_";
  plan.target = hidden;
  if (rename(target.c_str(), hidden.c_str()) != 0)
    throw input_error(target, std::string("cannot move aside: ") + std::strerror(errno));
  try {
    write_wrapper(plan, options, target);
  } catch (...) {
    rename(hidden.c_str(), target.c_str());
    throw;
  }
  result.wrapped = hidden;
  return result;
}

}  // namespace shelf::wrap
