// Wrappers inside a directory tree where only the store is visible
// (bubblewrap binds nothing else: no /bin, no /lib, no libc). The compiled
// wrapper is static; the shell wrapper uses a dash copied into the store
// and patched (patchelf) to load its libc from there.
#include <gtest/gtest.h>

#include <filesystem>

#include "seen.h"
#include "support/paths.h"

namespace shelf::test {
namespace {

namespace fs = std::filesystem;

class WrapSandbox : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(require_tool("bwrap", "bubblewrap"));
    store_ = make_temp_dir("wrap-sandbox") + "/store";
    fs::create_directories(store_ + "/0aaa-printargs/bin");
    fs::create_directories(store_ + "/0bbb-wrappers/bin");
    prog_ = store_ + "/0aaa-printargs/bin/printargs";
    fs::copy_file(printargs(), prog_);
  }
  // Runs argv with only the store visible (plus /proc and /dev).
  RunResult in_sandbox(const std::vector<std::string>& argv) {
    std::vector<std::string> full = {"bwrap", "--unshare-user", "--unshare-pid", "--ro-bind", store_, store_,
                                     "--proc", "/proc", "--dev", "/dev", "--"};
    full.insert(full.end(), argv.begin(), argv.end());
    return run(full);
  }
  void expect_sandbox_works() {
    RunResult probe = in_sandbox({prog_});
    ASSERT_EQ(probe.status, 0) << "bubblewrap cannot run a static program with only the store visible: "
                               << probe.err;
    RunResult no_shell = in_sandbox({"/bin/sh", "-c", "true"});
    ASSERT_NE(no_shell.status, 0) << "the sandbox is not isolated: /bin/sh is visible";
  }
  std::vector<std::string> flags() {
    return {"--set", "T_S", "sandboxed 'ok'", "--prefix", "T_P", ":", store_ + "/x", "--chdir",
            store_ + "/0aaa-printargs", "--add-flag", "first arg"};
  }
  void check(const RunResult& r) {
    ASSERT_EQ(r.status, 0) << r.err;
    Seen s = parse_seen(r.out);
    EXPECT_EQ(s.get("T_S"), "sandboxed 'ok'");
    EXPECT_EQ(s.get("T_P"), store_ + "/x");
    EXPECT_EQ(s.cwd, store_ + "/0aaa-printargs");
    EXPECT_EQ(s.argv, (std::vector<std::string>{prog_, "first arg", "caller"}));
  }
  std::string store_, prog_;
};

TEST_F(WrapSandbox, BinaryWrapperRunsWithOnlyTheStoreVisible) {
  expect_sandbox_works();
  std::string w = store_ + "/0bbb-wrappers/bin/w";
  make_wrapper(Kind::binary, prog_, w, flags());
  check(in_sandbox({w, "caller"}));
}

TEST_F(WrapSandbox, ShellWrapperRunsWithAShellFromTheStore) {
  expect_sandbox_works();
  ASSERT_TRUE(require_tool("patchelf", "patchelf"));
  std::string dash = store_ + "/0ccc-dash";
  fs::create_directories(dash + "/bin");
  fs::create_directories(dash + "/lib");
  fs::copy_file(fs::canonical("/bin/dash"), dash + "/bin/dash");
  std::string loader = fs::canonical("/lib64/ld-linux-x86-64.so.2");
  fs::copy_file(loader, dash + "/lib/ld-linux-x86-64.so.2");
  fs::copy_file(fs::canonical("/lib/x86_64-linux-gnu/libc.so.6"), dash + "/lib/libc.so.6");
  RunResult patched = run({"patchelf", "--set-interpreter", dash + "/lib/ld-linux-x86-64.so.2", "--set-rpath",
                           dash + "/lib", dash + "/bin/dash"});
  ASSERT_EQ(patched.status, 0) << patched.err;

  std::string w = store_ + "/0bbb-wrappers/bin/w.sh";
  RunResult made = run({shelf_bin(), "wrap", "--shell", dash + "/bin/dash", prog_, w, "--set", "T_S", "sandboxed 'ok'",
                        "--prefix", "T_P", ":", store_ + "/x", "--chdir", store_ + "/0aaa-printargs", "--add-flag",
                        "first arg"});
  ASSERT_EQ(made.status, 0) << made.err;
  check(in_sandbox({w, "caller"}));
}

}  // namespace
}  // namespace shelf::test
