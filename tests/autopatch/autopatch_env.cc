#include "autopatch_env.h"

#include <gnu/libc-version.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include <gtest/gtest.h>

#include "support/paths.h"

namespace shelf::test::autopatch {

namespace fs = std::filesystem;

std::string fixture(const std::string& rel) { return fixtures_dir() + "/autopatch/" + rel; }

void copy(const std::string& from, const std::string& to) {
  fs::create_directories(fs::path(to).parent_path());
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::map<std::string, std::string> snapshot(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const fs::directory_entry& e : fs::recursive_directory_iterator(dir)) {
    std::string rel = fs::relative(e.path(), dir).string();
    if (e.is_symlink())
      out[rel] = "link:" + fs::read_symlink(e.path()).string();
    else if (e.is_directory())
      out[rel] = "dir";
    else
      out[rel] = "file:" + read_bytes(e.path().string());
  }
  return out;
}

namespace {

struct ArchInfo {
  const char* qemu;     // empty: the host runs it
  const char* libdir;   // the toolchain's loader and libc
  const char* loader;
};

ArchInfo info(Arch arch) {
  switch (arch) {
    case Arch::kX86_64: return {"", "/lib/x86_64-linux-gnu", "ld-linux-x86-64.so.2"};
    case Arch::kI386: return {"qemu-i386", "/usr/i686-linux-gnu/lib", "ld-linux.so.2"};
    case Arch::kAarch64: return {"qemu-aarch64", "/usr/aarch64-linux-gnu/lib", "ld-linux-aarch64.so.1"};
  }
  return {};
}

// Runs ARGS natively or under qemu-user with no sysroot: QEMU_LD_PREFIX is
// forced to "/" (qemu's "no prefix"), so an inherited prefix cannot find
// libraries. GUEST_ENV reaches only the program (qemu -E), never qemu: a
// dynamically linked qemu would itself obey LD_TRACE_LOADED_OBJECTS.
RunResult launch(Arch arch, const std::vector<std::string>& args,
                 const std::map<std::string, std::string>& guest_env) {
  if (!*info(arch).qemu) return run(args, guest_env);
  std::vector<std::string> argv{info(arch).qemu};
  for (const auto& [k, v] : guest_env) {
    argv.push_back("-E");
    argv.push_back(k + "=" + v);
  }
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, {{"QEMU_LD_PREFIX", "/"}});
}

// The text between OPEN and the next CLOSE on the first line of TEXT that
// holds MARK (plain string search: <regex> warns under -O1 sanitizer builds).
std::optional<std::string> field(const std::string& text, const std::string& mark, const std::string& open,
                                 const std::string& close) {
  for (const std::string& line : lines(text)) {
    size_t at = line.find(mark);
    if (at == std::string::npos) continue;
    size_t start = line.find(open, at);
    if (start == std::string::npos) continue;
    start += open.size();
    size_t end = line.find(close, start);
    if (end == std::string::npos) continue;
    return line.substr(start, end - start);
  }
  return std::nullopt;
}

}  // namespace

std::string store_path(const std::string& store, const std::string& name) {
  // Nix's base-32 alphabet (no e, o, u, t); the characters only have to look
  // like a store hash here, they come from the name so runs are repeatable.
  static const char kAlphabet[] = "0123456789abcdfghijklmnpqrsvwxyz";
  size_t h = std::hash<std::string>{}(name);
  std::string hash;
  for (int i = 0; i < 32; ++i) {
    h = h * 6364136223846793005ULL + 1442695040888963407ULL;
    hash += kAlphabet[(h >> 33) % 32];
  }
  std::string path = store + "/" + hash + "-" + name;
  fs::create_directories(path);
  return path;
}

std::string loader_name(Arch arch) { return info(arch).loader; }

std::string make_glibc(const std::string& store, Arch arch) {
  std::string tag = arch == Arch::kX86_64 ? "" : arch == Arch::kI386 ? "-i686" : "-aarch64";
  std::string path = store_path(store, std::string("glibc") + tag + "-" + gnu_get_libc_version());
  fs::create_directories(path + "/lib");
  // copy_file follows the links (/lib64/ld-linux-x86-64.so.2 is one).
  for (const std::string& name : {std::string(info(arch).loader), std::string("libc.so.6")})
    fs::copy_file(std::string(info(arch).libdir) + "/" + name, path + "/lib/" + name);
  return path;
}

RunResult run_program(Arch arch, const std::string& program,
                      const std::map<std::string, std::string>& env) {
  return launch(arch, {program}, env);
}

RunResult run_by_hand(Arch arch, const std::string& program, const std::string& libdirs) {
  ArchInfo i = info(arch);
  return launch(arch, {std::string(i.libdir) + "/" + i.loader, "--library-path",
                        std::string(i.libdir) + ":" + libdirs, program}, {});
}

RunResult autopatch(const std::vector<std::string>& args) {
  std::vector<std::string> argv{shelf_bin(), "autopatch"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv);
}

std::optional<std::string> readelf_runpath(const std::string& file) {
  return field(run({"readelf", "-d", file}).out, "(RUNPATH)", "Library runpath: [", "]");
}

std::optional<std::string> readelf_rpath(const std::string& file) {
  return field(run({"readelf", "-d", file}).out, "(RPATH)", "Library rpath: [", "]");
}

std::optional<std::string> readelf_interpreter(const std::string& file) {
  return field(run({"readelf", "-lW", file}).out, "[Requesting program interpreter: ",
               "[Requesting program interpreter: ", "]");
}

std::map<std::string, std::string> loaded_objects(Arch arch, const std::string& program) {
  RunResult r = run_program(arch, program, {{"LD_TRACE_LOADED_OBJECTS", "1"}});
  EXPECT_EQ(r.status, 0) << program << ": " << r.err;
  std::map<std::string, std::string> out;
  // "\tNAME => PATH (0xADDRESS)"; "NAME => not found" has no address.
  for (const std::string& l : lines(r.out)) {
    size_t arrow = l.find(" => "), addr = l.rfind(" (0x");
    if (arrow == std::string::npos || addr == std::string::npos || addr < arrow) continue;
    size_t name = l.find_first_not_of(" \t");
    out[l.substr(name, arrow - name)] = l.substr(arrow + 4, addr - arrow - 4);
  }
  return out;
}

bool require_tools() {
  return require_tool("readelf", "binutils") && require_tool("qemu-i386", "qemu-user") &&
         require_tool("qemu-aarch64", "qemu-user");
}

}  // namespace shelf::test::autopatch
