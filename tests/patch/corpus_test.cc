// (b) A corpus of over 1,000 host ELF files gets the growing edits of a
// store rewrite: a long interpreter (executables), a longer SONAME
// (libraries), a long added RPATH and an added NEEDED. Every result must
// re-read without new warnings in readelf and eu-readelf, give the same
// answers in libelf and LIEF, survive strip and objcopy without new
// warnings, and patched /usr/bin programs must print the same --version as
// the originals. (c) Every --print-* answer, on the originals and on the
// results, equals Debian patchelf's.
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "lief_reader.h"
#include "patch_support.h"
#include "support/paths.h"

namespace fs = std::filesystem;

namespace shelf::test {
namespace {

constexpr size_t kCorpusSize = 1000;
constexpr size_t kBatch = 100;
const std::string kSoname = "libshelf-corpus-soname-longer-than-most-sonames.so.1";
const std::string kAddedNeeded = "libm.so.6";

struct HostFile {
  std::string original;
  std::string copy;
  bool executable;  // has PT_INTERP
};

// x86-64 ELF files with PT_DYNAMIC, from the usual directories, sampled
// evenly over the sorted list so every directory contributes.
std::vector<HostFile> host_corpus(size_t count) {
  std::vector<HostFile> all;
  for (const char* root : {"/usr/bin", "/usr/sbin", "/usr/lib/x86_64-linux-gnu", "/usr/libexec"}) {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec || !it->is_regular_file(ec) || it->is_symlink(ec) || it->file_size(ec) > 8 << 20) continue;
      std::ifstream in(it->path(), std::ios::binary);
      Elf64_Ehdr eh{};
      if (!in.read(reinterpret_cast<char*>(&eh), sizeof eh) || memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
          eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_X86_64 || eh.e_phentsize != sizeof(Elf64_Phdr))
        continue;
      bool dynamic = false, interp = false;
      in.seekg(static_cast<std::streamoff>(eh.e_phoff));
      for (int i = 0; i < eh.e_phnum; ++i) {
        Elf64_Phdr ph{};
        if (!in.read(reinterpret_cast<char*>(&ph), sizeof ph)) break;
        dynamic |= ph.p_type == PT_DYNAMIC;
        interp |= ph.p_type == PT_INTERP;
      }
      if (dynamic && (interp || eh.e_type == ET_DYN)) all.push_back({it->path().string(), "", interp});
    }
  }
  std::sort(all.begin(), all.end(), [](const HostFile& a, const HostFile& b) { return a.original < b.original; });
  std::vector<HostFile> out;
  for (size_t i = 0; i < count && !all.empty(); ++i) out.push_back(all[i * all.size() / count]);
  out.erase(std::unique(out.begin(), out.end(), [](auto& a, auto& b) { return a.original == b.original; }), out.end());
  return out;
}

// NEEDED, SONAME, RPATH/RUNPATH as libelf reads them (section headers).
std::vector<std::string> libelf_strings(const std::string& path) {
  std::vector<std::string> out;
  int fd = open(path.c_str(), O_RDONLY);
  Elf* e = elf_begin(fd, ELF_C_READ, nullptr);
  for (Elf_Scn* scn = nullptr; e && (scn = elf_nextscn(e, scn));) {
    GElf_Shdr shdr;
    if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_DYNAMIC || shdr.sh_entsize == 0) continue;
    Elf_Data* data = elf_getdata(scn, nullptr);
    for (size_t i = 0; data && i < shdr.sh_size / shdr.sh_entsize; ++i) {
      GElf_Dyn dyn;
      if (!gelf_getdyn(data, static_cast<int>(i), &dyn) || dyn.d_tag == DT_NULL) break;
      if (dyn.d_tag != DT_NEEDED && dyn.d_tag != DT_SONAME && dyn.d_tag != DT_RPATH && dyn.d_tag != DT_RUNPATH)
        continue;
      const char* s = elf_strptr(e, shdr.sh_link, dyn.d_un.d_val);
      out.push_back(std::to_string(dyn.d_tag) + "=" + (s ? s : "<libelf: bad string>"));
    }
  }
  if (e) elf_end(e);
  close(fd);
  return out;
}

// Warnings a reader prints for `file` beyond those it prints for `original`.
std::string new_warnings(const std::vector<std::string>& reader, const std::string& file, const std::string& original) {
  auto argv = reader;
  argv.push_back(file);
  std::string err = run(argv).err;
  if (err.empty()) return "";
  argv.back() = original;
  std::string before = run(argv).err;
  size_t at;
  while ((at = before.find(original)) != std::string::npos) before.replace(at, original.size(), file);
  return err == before ? "" : err;
}

class PatchCorpus : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    elf_version(EV_CURRENT);
    dir_ = new std::string(make_temp_dir("corpus"));
    files_ = new std::vector<HostFile>(host_corpus(kCorpusSize + 50));
    std::string rpath = "/nonexistent/shelf-store/" + std::string(200, 'r');
    std::string loader_dir = *dir_ + "/store/0123456789abcdfghijklmnpqrsvwxyz-glibc/lib";
    fs::create_directories(loader_dir);
    loader_ = new std::string(loader_dir + "/ld-linux-x86-64.so.2");
    fs::create_symlink(fs::canonical("/lib64/ld-linux-x86-64.so.2"), *loader_);
    for (size_t i = 0; i < files_->size(); ++i) {
      HostFile& f = (*files_)[i];
      fs::create_directories(*dir_ + "/" + std::to_string(i));
      f.copy = copy_file(f.original, *dir_ + "/" + std::to_string(i), fs::path(f.original).filename().string());
    }
    // Batches of files per shelf call; a failing batch is redone file by
    // file so every failure is reported with its file.
    failures_ = new std::vector<std::string>;
    for (bool executables : {true, false}) {
      std::vector<std::string> base{"patch", "--add-rpath", rpath, "--add-needed", kAddedNeeded};
      if (executables) base.insert(base.end(), {"--set-interpreter", *loader_});
      else base.insert(base.end(), {"--set-soname", kSoname});
      std::vector<std::string> batch;
      auto flush = [&] {
        if (batch.empty()) return;
        auto argv = base;
        argv.insert(argv.end(), batch.begin(), batch.end());
        if (shelf(argv).status != 0)
          for (const std::string& one : batch) {
            auto single = base;
            single.push_back(one);
            RunResult r = shelf(single);
            if (r.status != 0) failures_->push_back(r.err);
          }
        batch.clear();
      };
      for (const HostFile& f : *files_) {
        if (f.executable != executables) continue;
        batch.push_back(f.copy);
        if (batch.size() == kBatch) flush();
      }
      flush();
    }
  }

  static std::string* dir_;
  static std::string* loader_;
  static std::vector<HostFile>* files_;
  static std::vector<std::string>* failures_;
};

std::string* PatchCorpus::dir_;
std::string* PatchCorpus::loader_;
std::vector<HostFile>* PatchCorpus::files_;
std::vector<std::string>* PatchCorpus::failures_;

TEST_F(PatchCorpus, EveryFileIsPatchedAndReadsTheSameInLibelfAndLief) {
  ASSERT_GE(files_->size(), kCorpusSize);
  EXPECT_TRUE(failures_->empty()) << failures_->size() << " files failed, first: " << failures_->front();
  size_t grown = 0;
  for (const HostFile& f : *files_) {
    SCOPED_TRACE(f.original);
    std::vector<std::string> want = libelf_strings(f.original);
    std::vector<std::string> got = libelf_strings(f.copy);
    std::string interp;
    EXPECT_EQ(lief_dynamic_strings(f.copy, interp), got) << "LIEF and libelf disagree";
    if (f.executable) {
      EXPECT_EQ(interp, *loader_);
    }
    std::string needed = std::to_string(DT_NEEDED) + "=" + kAddedNeeded;
    EXPECT_NE(std::find(got.begin(), got.end(), needed), got.end());
    if (!f.executable) {
      EXPECT_NE(std::find(got.begin(), got.end(), std::to_string(DT_SONAME) + "=" + kSoname), got.end());
    }
    // Every original NEEDED is still there, in order.
    std::vector<std::string> kept_needed, old_needed;
    for (const auto& s : want)
      if (s.rfind(std::to_string(DT_NEEDED) + "=", 0) == 0) old_needed.push_back(s);
    for (const auto& s : got)
      if (s.rfind(std::to_string(DT_NEEDED) + "=", 0) == 0 && (s != needed || std::count(old_needed.begin(), old_needed.end(), s)))
        kept_needed.push_back(s);
    EXPECT_EQ(kept_needed, old_needed);
    grown += fs::file_size(f.copy) > fs::file_size(f.original);
  }
  EXPECT_GT(grown, files_->size() / 2) << "the edits should have needed the added segment for most files";
}

TEST_F(PatchCorpus, ReadelfAndEuReadelfPrintNoNewWarnings) {
  if (!require_tool("eu-readelf", "elfutils")) return;
  size_t warned = 0;
  for (const HostFile& f : *files_) {
    std::string a = new_warnings({"readelf", "-a", "-W"}, f.copy, f.original);
    std::string b = new_warnings({"eu-readelf", "-h", "-l", "-S", "-d", "-V", "--dyn-syms"}, f.copy, f.original);
    EXPECT_EQ(a, "") << f.original;
    EXPECT_EQ(b, "") << f.original;
    warned += !a.empty() || !b.empty();
    if (warned > 5) break;  // enough to diagnose
  }
}

// strip and objcopy copy every result: the copy keeps the added NEEDED, and
// they print no warning the original did not get ("section .dynstr lma …
// adjusted to …" when a segment's sections and addresses disagree).
TEST_F(PatchCorpus, ResultsSurviveStripAndObjcopyWithoutWarnings) {
  int checked = 0;
  for (const HostFile& f : *files_) {
    SCOPED_TRACE(f.original);
    for (const char* tool : {"strip", "objcopy"}) {
      std::string out = f.copy + "." + tool, control = *dir_ + "/control." + tool;
      auto argv = [&](const std::string& in, const std::string& to) {
        return std::string(tool) == "strip" ? std::vector<std::string>{"strip", "-o", to, in}
                                            : std::vector<std::string>{"objcopy", in, to};
      };
      RunResult s = run(argv(f.copy, out));
      EXPECT_EQ(s.status, 0) << tool << ": " << s.err;
      RunResult d = run({"readelf", "-dW", out});
      EXPECT_EQ(d.status, 0) << tool;
      EXPECT_NE(d.out.find(kAddedNeeded), std::string::npos) << tool;
      std::string before = run(argv(f.original, control)).err;
      for (size_t at; (at = before.find(control)) != std::string::npos;) before.replace(at, control.size(), out);
      EXPECT_EQ(s.err, before) << tool << " warns about the patched file";
    }
    ++checked;
  }
  EXPECT_GE(checked, 1000);
}

// (c) Differential: every --print-* answer of `shelf patchelf` equals
// Debian patchelf's, on every corpus file as it was and as shelf left it
// (patchelf reading shelf's results). Files go 40 to an invocation, as
// patchelf takes them (programs are asked for their interpreter too;
// libraries have none, and that failure is compared on the fixtures,
// PatchPrint.*); a batch that differs is compared again file by file, so
// the failure names its file.
TEST_F(PatchCorpus, PrintAnswersEqualPatchelfsOnOriginalsAndResults) {
  if (!require_tool("patchelf", "patchelf")) return;
  ASSERT_GE(files_->size(), 1000u);
  size_t compared = 0;
  for (bool executables : {true, false}) {
    std::vector<std::string> options{"--print-soname", "--print-rpath", "--print-needed"};
    if (executables) options.insert(options.begin(), "--print-interpreter");
    for (bool results : {false, true}) {
      std::vector<std::string> files;
      for (const HostFile& f : *files_)
        if (f.executable == executables) files.push_back(results ? f.copy : f.original);
      for (size_t at = 0; at < files.size(); at += 40) {
        std::vector<std::string> batch(files.begin() + at, files.begin() + std::min(files.size(), at + 40));
        std::vector<std::string> theirs{"patchelf"}, ours{shelf_bin(), "patchelf"};
        for (const auto& list : {options, batch})
          for (const std::string& a : list) theirs.push_back(a), ours.push_back(a);
        RunResult want = run(theirs), got = run(ours);
        if (got.out != want.out || got.status != want.status) {
          for (const std::string& file : batch) expect_same_answer(file, options);
          EXPECT_EQ(got.out, want.out) << "batch from " << batch.front();
          EXPECT_EQ(got.status, want.status) << "batch from " << batch.front() << ": " << got.err;
        }
        compared += batch.size();
      }
    }
  }
  EXPECT_EQ(compared, 2 * files_->size());
}

TEST_F(PatchCorpus, PatchedProgramsPrintTheSameVersion) {
  // The control is an unpatched copy next to the patched one: programs that
  // find files relative to their own path (gcc's plugins) behave the same in
  // both, so only the patch can make them differ.
  int compared = 0;
  for (size_t i = 0; i < files_->size(); ++i) {
    const HostFile& f = (*files_)[i];
    if (!f.executable || f.original.rfind("/usr/bin/", 0) != 0) continue;
    std::string control_dir = *dir_ + "/control/" + std::to_string(i);
    fs::create_directories(control_dir);
    std::string control = copy_file(f.original, control_dir, fs::path(f.original).filename().string());
    RunResult want = run({"timeout", "3", control, "--version"});
    if (want.status != 0 || want.out.empty()) continue;
    RunResult got = run({"timeout", "3", f.copy, "--version"});
    std::string expected = want.out;
    for (size_t at; (at = expected.find(control)) != std::string::npos;) expected.replace(at, control.size(), f.copy);
    EXPECT_EQ(got.status, 0) << f.original << ": " << got.err;
    EXPECT_EQ(got.out, expected) << f.original;
    ++compared;
  }
  EXPECT_GE(compared, 50);
}

}  // namespace
}  // namespace shelf::test
