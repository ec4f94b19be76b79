#include "wrap/binary_wrapper.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "wrap/error.h"

namespace shelf::wrap {

namespace {

void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}
void put_u64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}
uint64_t get_le(const std::string& bytes, size_t at, int size) {
  uint64_t v = 0;
  for (int i = 0; i < size; ++i) v |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
  return v;
}

void put_record(std::string& out, shelf_step_kind kind, const std::vector<std::string>& fields) {
  put_u32(out, kind);
  put_u32(out, static_cast<uint32_t>(fields.size()));
  for (const std::string& f : fields) {
    put_u32(out, static_cast<uint32_t>(f.size()));
    out += f;
  }
}

// Size of the records area when `bytes` ends in a valid trailer.
std::optional<uint64_t> records_size(const std::string& bytes, const std::string& context) {
  if (bytes.size() < SHELF_BLOB_TRAILER_SIZE) return std::nullopt;
  size_t trailer = bytes.size() - SHELF_BLOB_TRAILER_SIZE;
  if (bytes.compare(trailer + 16, SHELF_BLOB_MAGIC_SIZE, SHELF_BLOB_MAGIC) != 0) return std::nullopt;
  uint64_t size = get_le(bytes, trailer, 8);
  uint32_t version = static_cast<uint32_t>(get_le(bytes, trailer + 8, 4));
  if (version != SHELF_BLOB_VERSION)
    throw input_error(context, "wrapper configuration has version " + std::to_string(version) + ", expected " +
                                   std::to_string(SHELF_BLOB_VERSION));
  if (size > trailer || size > SHELF_BLOB_MAX_RECORDS_SIZE)
    throw input_error(context, "wrapper configuration size " + std::to_string(size) + " exceeds the file");
  return size;
}

}  // namespace

std::string encode_plan(const Plan& plan) {
  std::string records;
  put_record(records, SHELF_STEP_TARGET, {plan.target});
  for (const Step& s : plan.steps) put_record(records, s.kind, s.fields);
  std::string out = records;
  put_u64(out, records.size());
  put_u32(out, SHELF_BLOB_VERSION);
  put_u32(out, 0);
  out.append(SHELF_BLOB_MAGIC, SHELF_BLOB_MAGIC_SIZE);
  return out;
}

std::optional<Plan> decode_plan(const std::string& bytes, const std::string& context) {
  std::optional<uint64_t> size = records_size(bytes, context);
  if (!size) return std::nullopt;
  size_t end = bytes.size() - SHELF_BLOB_TRAILER_SIZE;
  const size_t start = end - *size;
  size_t at = start;
  // Offsets count from the start of the configuration (the records).
  auto fail = [&](const std::string& what) {
    return input_error(context, "wrapper configuration record at offset " + std::to_string(at - start) + ": " + what);
  };
  Plan plan;
  bool have_target = false;
  while (at < end) {
    if (end - at < 8) throw fail("truncated record header");
    uint32_t kind = static_cast<uint32_t>(get_le(bytes, at, 4));
    uint32_t count = static_cast<uint32_t>(get_le(bytes, at + 4, 4));
    int expected = shelf_step_field_count(kind);
    if (expected < 0) throw fail("unknown step kind " + std::to_string(kind));
    if (count != static_cast<uint32_t>(expected))
      throw fail(std::string(shelf_step_flag(kind)) + " has " + std::to_string(count) + " fields, expected " +
                 std::to_string(expected));
    size_t p = at + 8;
    std::vector<std::string> fields;
    for (uint32_t i = 0; i < count; ++i) {
      if (end - p < 4) throw fail("truncated field length");
      uint64_t len = get_le(bytes, p, 4);
      p += 4;
      if (end - p < len) throw fail("field runs past the end of the configuration");
      fields.push_back(bytes.substr(p, len));
      p += len;
    }
    if (kind == SHELF_STEP_TARGET) {
      if (have_target) throw fail("second target record");
      plan.target = fields[0];
      have_target = true;
    } else {
      if (!have_target) throw fail("steps before the target record");
      plan.steps.push_back({static_cast<shelf_step_kind>(kind), std::move(fields)});
    }
    at = p;
  }
  if (!have_target) throw input_error(context, "wrapper configuration names no target");
  check_plan(plan, context);  // read back: trusted no more than a command line
  return plan;
}

std::string build_binary_wrapper(const Plan& plan, const std::string& launcher) {
  std::string base = launcher;
  if (std::optional<uint64_t> old = records_size(launcher, "launcher"))
    base.resize(launcher.size() - SHELF_BLOB_TRAILER_SIZE - *old);
  if (base.size() < 4 || base.compare(0, 4, "\x7f" "ELF") != 0)
    throw input_error("launcher", "is not an ELF executable");
  return base + encode_plan(plan);
}

std::string find_launcher(const std::string& self_exe) {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("SHELF_LAUNCHER"); env && *env) {
    if (!fs::is_regular_file(env)) throw input_error(std::string("SHELF_LAUNCHER=") + env, "no such file");
    return env;
  }
  fs::path dir = fs::path(self_exe).parent_path();
  std::vector<fs::path> candidates = {dir / "shelf-launcher", dir / ".." / "libexec" / "shelf" / "shelf-launcher"};
  std::string tried;
  for (const fs::path& c : candidates) {
    if (fs::is_regular_file(c)) return c.lexically_normal().string();
    tried += (tried.empty() ? "" : ", ") + c.lexically_normal().string();
  }
  throw input_error("--binary", "cannot find the launcher program (tried " + tried + "; set SHELF_LAUNCHER)");
}

}  // namespace shelf::wrap
