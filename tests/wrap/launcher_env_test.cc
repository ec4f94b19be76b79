// The freestanding launcher's environment: glibc's getenv/setenv/unsetenv
// rules reproduced (duplicates, entries without '='), a huge environment,
// no /proc, and what a set-user-ID run drops.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "launcher_support.h"
#include "seen.h"
#include "support/paths.h"

namespace shelf::test {
namespace {

namespace fs = std::filesystem;

// Runs `argv` with exactly `envp` (duplicates and entries without '='
// included, which support/run.h's map cannot express); returns its output.
RunResult run_with_exact_environment(const std::vector<std::string>& argv, const std::vector<std::string>& envp,
                                     const std::string& dir) {
  std::vector<char*> args, env;
  std::vector<std::string> a = argv, e = envp;
  for (auto& s : a) args.push_back(s.data());
  args.push_back(nullptr);
  for (auto& s : e) env.push_back(s.data());
  env.push_back(nullptr);
  std::string out = dir + "/stdout", err = dir + "/stderr";
  pid_t pid = fork();
  if (pid == 0) {
    int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int r = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (o < 0 || r < 0 || dup2(o, 1) < 0 || dup2(r, 2) < 0) _exit(99);
    execve(args[0], args.data(), env.data());
    _exit(98);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  RunResult result;
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = slurp(out);
  result.err = slurp(err);
  return result;
}

// printargs's environment lines in order, decoded (Seen keeps a map).
std::vector<std::string> environment_in_order(const std::string& out) {
  std::vector<std::string> env;
  for (const std::string& l : lines(out)) {
    if (l.rfind("env ", 0) != 0) continue;
    std::string entry;
    for (size_t i = 4; i + 1 < l.size(); i += 2) entry += static_cast<char>(std::stoi(l.substr(i, 2), nullptr, 16));
    env.push_back(entry);
  }
  return env;
}

// What glibc's getenv/setenv/unsetenv do, which the libc launcher got for
// free: the first of duplicate entries is read and replaced, unset removes
// them all, entries without '=' are passed on, new variables go last.
TEST(WrapLauncher, EnvironmentFollowsGlibcRules) {
  std::string dir = make_temp_dir("wrap-launcher-env");
  std::string w = dir + "/w";
  make_wrapper(Kind::binary, printargs(), w,
               {"--set", "DUP", "new", "--unset", "GONE", "--set-default", "KEEP", "y", "--set", "NEW", "v",
                "--prefix", "DUP", ":", "/p", "--set-default", "NEW", "ignored", "--suffix", "LATER", ":", "/s"});
  RunResult r = run_with_exact_environment(
      {w}, {"DUP=1", "NOEQ", "DUP=2", "KEEP=x", "GONE=1", "=odd", "GONE=2", "LATER="}, dir);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(environment_in_order(r.out),
            (std::vector<std::string>{"DUP=/p:new", "NOEQ", "DUP=2", "KEEP=x", "=odd", "LATER=/s", "NEW=v"}));
}

TEST(WrapLauncher, HugeEnvironmentAndValues) {
  // Far more than the launcher's first memory block: it must map more.
  std::string dir = make_temp_dir("wrap-launcher-huge");
  std::map<std::string, std::string> env;
  for (int i = 0; i < 2000; ++i) env["T_V" + std::to_string(i)] = std::string(100, 'a' + i % 26);
  std::string list;
  for (int i = 0; i < 8000; ++i) list += (i ? ":" : "") + ("/p" + std::to_string(i));
  env["T_L"] = list;
  std::string w = dir + "/w";
  std::vector<std::string> flags = {"--prefix", "T_L", ":", "/p7999", "--suffix", "T_L", ":", "/new", "--set",
                                    "T_BIG", std::string(60000, 'z')};
  for (int i = 0; i < 1000; ++i) flags.insert(flags.end(), {"--add-flag", "f" + std::to_string(i)});
  make_wrapper(Kind::binary, printargs(), w, flags);
  Seen s = run_seen(w, {"caller"}, env);
  EXPECT_EQ(s.get("T_V1999"), std::string(100, 'a' + 1999 % 26));
  std::string moved = "/p7999:" + list.substr(0, list.rfind(":/p7999")) + ":/new";
  EXPECT_EQ(s.get("T_L"), moved);
  EXPECT_EQ(s.get("T_BIG"), std::string(60000, 'z'));
  ASSERT_EQ(s.argv.size(), 1002u);
  EXPECT_EQ(s.argv[1000], "f999");
  EXPECT_EQ(s.argv[1001], "caller");
}

TEST(WrapLauncher, FindsItsOwnFileWithoutProc) {
  ASSERT_TRUE(require_tool("bwrap", "bubblewrap"));
  std::string dir = make_temp_dir("wrap-launcher-noproc");
  std::string w = dir + "/w";
  make_wrapper(Kind::binary, printargs(), w, {"--set", "T_NOPROC", "yes"});
  // An empty /proc: /proc/self/exe is gone, the kernel's AT_EXECFN is left.
  auto in_sandbox = [](std::vector<std::string> argv) {
    std::vector<std::string> full = {"bwrap", "--unshare-user", "--ro-bind", "/", "/", "--tmpfs", "/proc",
                                     "--dev", "/dev", "--"};
    full.insert(full.end(), argv.begin(), argv.end());
    return run(full);
  };
  RunResult probe = in_sandbox({"/bin/sh", "-c", "test ! -e /proc/self/exe"});
  ASSERT_EQ(probe.status, 0) << "bubblewrap did not hide /proc: " << probe.err;
  RunResult r = in_sandbox({w});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(parse_seen(r.out).get("T_NOPROC"), "yes");
}

// A program with no libc that prints its environment as it got it, one
// entry a line: glibc in the target would drop the same variables itself
// in a set-user-ID run, hiding whether the launcher did.
const char* const kEnvDump = R"(#include "arch.h"
__asm__(ARCH_START_ASM);
__attribute__((noreturn, used)) void launcher_start(long* sp);
void launcher_start(long* sp) {
  for (char** e = (char**)(sp + 1) + sp[0] + 1; *e; ++e) {
    long n = 0;
    while ((*e)[n]) ++n;
    (*e)[n] = '\n';
    arch_syscall(__NR_write, 1, (long)*e, n + 1, 0, 0, 0);
  }
  for (;;) arch_syscall(__NR_exit_group, 0, 0, 0, 0, 0, 0);
}
)";

// The launcher's memory starts on the stack, sized to what the stack limit
// leaves: a limit a libc program lives with is enough for it too.
TEST(WrapLauncher, RunsUnderASmallStackLimit) {
  std::string dir = make_temp_dir("wrap-launcher-stack");
  std::ofstream(dir + "/envdump.c") << kEnvDump;
  RunResult built = build_freestanding("gcc", {dir + "/envdump.c"}, dir + "/envdump");
  ASSERT_EQ(built.status, 0) << built.err;
  std::string w = dir + "/w";
  make_wrapper(Kind::binary, dir + "/envdump", w, {"--set", "T_SET", "y", "--prefix", "T_P", ":", "/a:/b:/c"});
  for (const char* limit : {"16", "12"}) {
    // Ten runs: the kernel places the stack at a random offset each time.
    for (int i = 0; i < 10; ++i) {
      RunResult r = run({"bash", "-c", std::string("ulimit -s ") + limit + " && exec -c \"$0\"", w});
      ASSERT_EQ(r.status, 0) << "ulimit -s " << limit << ": " << r.err;
      EXPECT_EQ(lines(r.out), (std::vector<std::string>{"T_SET=y", "T_P=/a:/b:/c"}));
    }
  }
}

// The glibc-linked launcher's start-up dropped LD_PRELOAD and the other
// UNSECURE_ENVVARS when it ran set-user-ID (AT_SECURE); the freestanding
// one does the same, and only then.
TEST(WrapLauncher, SetUserIdWrapperDropsWhatGlibcDrops) {
  ASSERT_EQ(geteuid(), 0u) << "needs root: makes a set-user-ID program and runs it as nobody";
  ASSERT_TRUE(require_tool("setpriv", "util-linux"));
  std::string dir = make_temp_dir("wrap-launcher-setuid");
  fs::permissions(dir, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                           fs::perms::others_read | fs::perms::others_exec);
  std::ofstream(dir + "/envdump.c") << kEnvDump;
  RunResult built = build_freestanding("gcc", {dir + "/envdump.c"}, dir + "/envdump");
  ASSERT_EQ(built.status, 0) << built.err;
  std::string w = dir + "/w";
  make_wrapper(Kind::binary, dir + "/envdump", w, {"--set", "T_SET", "y"});
  // Empty values: harmless to setpriv's own loader, still variables to drop.
  std::vector<std::string> as_nobody = {"env", "-i", "LD_PRELOAD=", "LD_LIBRARY_PATH=", "TMPDIR=/tmp", "GCONV_PATH=",
                                        "T_KEEP=1", "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                                        "--", w};
  RunResult plain = run(as_nobody);
  ASSERT_EQ(plain.status, 0) << plain.err;
  EXPECT_EQ(lines(plain.out), (std::vector<std::string>{"LD_PRELOAD=", "LD_LIBRARY_PATH=", "TMPDIR=/tmp", "GCONV_PATH=",
                                                        "T_KEEP=1", "T_SET=y"}));
  fs::permissions(w, fs::perms::set_uid, fs::perm_options::add);
  RunResult setuid = run(as_nobody);
  ASSERT_EQ(setuid.status, 0) << setuid.err;
  EXPECT_EQ(lines(setuid.out), (std::vector<std::string>{"T_KEEP=1", "T_SET=y"}));
}

}  // namespace
}  // namespace shelf::test
