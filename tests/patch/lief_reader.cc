#include "lief_reader.h"

#include <LIEF/ELF.hpp>

namespace shelf::test {

std::vector<std::string> lief_dynamic_strings(const std::string& path, std::string& interpreter) {
  std::vector<std::string> out;
  std::unique_ptr<LIEF::ELF::Binary> b;
  try {
    b = LIEF::ELF::Parser::parse(path);
  } catch (const std::exception& e) {
    return {std::string("<LIEF: ") + e.what() + ">"};
  }
  if (!b) return {"<LIEF: unparsable>"};
  if (b->has_interpreter()) interpreter = b->interpreter();
  for (const LIEF::ELF::DynamicEntry& d : b->dynamic_entries()) {
    if (auto* lib = dynamic_cast<const LIEF::ELF::DynamicEntryLibrary*>(&d))
      out.push_back("1=" + lib->name());
    else if (auto* so = dynamic_cast<const LIEF::ELF::DynamicSharedObject*>(&d))
      out.push_back("14=" + so->name());
    else if (auto* rp = dynamic_cast<const LIEF::ELF::DynamicEntryRpath*>(&d))
      out.push_back("15=" + rp->rpath());
    else if (auto* rn = dynamic_cast<const LIEF::ELF::DynamicEntryRunPath*>(&d))
      out.push_back("29=" + rn->runpath());
  }
  return out;
}

}  // namespace shelf::test
