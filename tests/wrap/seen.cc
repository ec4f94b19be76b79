#include "seen.h"

#include <gtest/gtest.h>

#include <sstream>

#include "support/paths.h"

namespace shelf::test {

namespace {
std::string unhex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return out;
}
}  // namespace

Seen parse_seen(const std::string& out) {
  Seen seen;
  for (const std::string& l : lines(out)) {
    std::istringstream in(l);
    std::string tag;
    in >> tag;
    if (tag == "argv") {
      size_t index;
      std::string hex;
      in >> index >> hex;
      if (seen.argv.size() <= index) seen.argv.resize(index + 1);
      seen.argv[index] = unhex(hex);
    } else if (tag == "cwd") {
      std::string hex;
      in >> hex;
      seen.cwd = unhex(hex);
    } else if (tag == "env") {
      std::string hex;
      in >> hex;
      std::string entry = unhex(hex);
      size_t eq = entry.find('=');
      seen.env[entry.substr(0, eq)] = entry.substr(eq + 1);
    } else if (tag == "pid") {
      in >> seen.pid;
    } else if (tag == "ppid") {
      in >> seen.ppid;
    }
  }
  return seen;
}

std::string printargs() { return fixtures_dir() + "/wrap/printargs"; }

std::string kind_name(Kind kind) { return kind == Kind::shell ? "shell" : "binary"; }

RunResult try_make_wrapper(Kind kind, const std::string& target, const std::string& out,
                           const std::vector<std::string>& flags) {
  std::vector<std::string> argv = {shelf_bin(), "wrap"};
  if (kind == Kind::binary) argv.push_back("--binary");
  argv.push_back(target);
  argv.push_back(out);
  argv.insert(argv.end(), flags.begin(), flags.end());
  return run(argv);
}

void make_wrapper(Kind kind, const std::string& target, const std::string& out,
                  const std::vector<std::string>& flags) {
  RunResult r = try_make_wrapper(kind, target, out, flags);
  ASSERT_EQ(r.status, 0) << "shelf wrap failed: " << r.err;
}

Seen run_seen(const std::string& wrapper, const std::vector<std::string>& args,
              const std::map<std::string, std::string>& env) {
  std::vector<std::string> argv = {wrapper};
  argv.insert(argv.end(), args.begin(), args.end());
  RunResult r = run(argv, env);
  EXPECT_EQ(r.status, 0) << wrapper << ": " << r.err;
  return parse_seen(r.out);
}

std::string sq(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\"'\"'") : std::string(1, c);
  return out + "'";
}

}  // namespace shelf::test
