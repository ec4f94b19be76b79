// The table of patch operations (patch/operations.h) against what users
// read: every edit is in `shelf patch --help` and `shelf patchelf --help`,
// every recipe key in recipes/README.md, and an edit can never be dropped
// because a plan thinks it is empty.
#include <gtest/gtest.h>

#include <elf.h>

#include <fstream>
#include <sstream>

#include "elf/names.h"
#include "patch/operations.h"
#include "patch/os_abi.h"
#include "support/paths.h"
#include "support/run.h"

namespace shelf::patch {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> sample_values(const Operation& op) {
  if (op.flag == "--set-os-abi") return {"linux"};
  if (op.flag == "--page-size") return {"65536"};
  if (op.flag == "--rename-dynamic-symbols") {
    std::string map = test::make_temp_dir("ops") + "/map";
    std::ofstream(map) << "old new\n";
    return {map};
  }
  std::vector<std::string> values;
  for (int i = 0; i < op.arguments; ++i) values.push_back("value" + std::to_string(i));
  return values;
}

TEST(Operations, EveryEditIsInBothHelpTexts) {
  for (const char* command : {"patch", "patchelf"}) {
    test::RunResult help = test::run({test::shelf_bin(), command, "--help"});
    ASSERT_EQ(help.status, 0) << help.err;
    for (const Operation& op : operations()) {
      std::string line = "[" + std::string(op.flag) + (op.argument.empty() ? "" : " " + std::string(op.argument)) + "]";
      EXPECT_NE(help.out.find(line), std::string::npos) << command << " --help lacks " << line;
    }
  }
}

TEST(Operations, EveryRecipeKeyIsDocumented) {
  std::string doc = slurp(test::source_dir() + "/recipes/README.md");
  ASSERT_FALSE(doc.empty());
  int keys = 0;
  for (const Operation& op : operations()) {
    if (op.recipe_value == RecipeValue::kNone) {
      EXPECT_TRUE(op.recipe_key.empty()) << op.flag;
      continue;
    }
    ++keys;
    std::string key(op.recipe_key);
    EXPECT_TRUE(doc.find("`" + key + "`") != std::string::npos || doc.find("`" + key + " = ") != std::string::npos)
        << "recipes/README.md does not document " << key;
    EXPECT_EQ(operation_for_recipe_key(op.recipe_key), &op);
  }
  EXPECT_GE(keys, 5);
}

// Each edit changes the plan, and a plan with it is not empty (but for
// the page size, which says how and not what); the same edits give equal
// plans, different ones different plans.
TEST(Operations, EveryEditMakesThePlanNonEmpty) {
  for (const Operation& op : operations()) {
    EXPECT_EQ(operation_for_flag(op.flag), &op);
    EditPlan plan;
    op.apply(plan, sample_values(op));
    if (op.flag == "--page-size") {
      EXPECT_TRUE(plan.empty());
      EXPECT_EQ(plan.page_size, 65536u);
      continue;
    }
    EXPECT_FALSE(plan.empty()) << op.flag << " would be dropped";
    EXPECT_NE(plan, EditPlan{}) << op.flag;
    EditPlan again;
    op.apply(again, sample_values(op));
    EXPECT_EQ(plan, again) << op.flag;
  }
  EditPlan bad;
  EXPECT_THROW(operation_for_flag("--page-size")->apply(bad, {"0"}), std::invalid_argument);
}

TEST(Operations, RunPathPrecedenceIsPatchelfs) {
  EditPlan a, b;
  operation_for_flag("--set-rpath")->apply(a, {"/x"});
  operation_for_flag("--remove-rpath")->apply(a, {});
  operation_for_flag("--remove-rpath")->apply(b, {});
  operation_for_flag("--set-rpath")->apply(b, {"/x"});
  EXPECT_EQ(a.rpath.op, RpathEdit::Op::kRemove);
  EXPECT_EQ(b.rpath.op, RpathEdit::Op::kRemove);
  EditPlan c;
  operation_for_flag("--set-execstack")->apply(c, {});
  operation_for_flag("--clear-execstack")->apply(c, {});
  operation_for_flag("--set-execstack")->apply(c, {});
  EXPECT_EQ(c.execstack, std::optional<bool>(false));
  EXPECT_EQ(describe_recipe_edit(*operation_for_recipe_key("replace_needed"), {"liba.so", "libb.so"}),
            "replace_needed liba.so=libb.so");
}

// One OS ABI table: inspect and --print-os-abi agree (GNU Hurd is 4 in
// both; inspect once said 5), and every printed name is accepted back.
TEST(Operations, OsAbiNamesAreOneTable) {
  EXPECT_EQ(elf::os_abi_name(4), "GNU Hurd");
  EXPECT_EQ(os_abi_print_name(4), "GNU Hurd");
  EXPECT_EQ(elf::os_abi_name(5), "0x5");
  for (const elf::OsAbiName& n : elf::os_abi_names()) {
    EXPECT_EQ(elf::os_abi_name(n.value), n.name);
    if (!n.patchelf) continue;
    EXPECT_EQ(os_abi_print_name(n.value), n.name);
    EXPECT_EQ(os_abi_from_argument(n.name), std::optional<uint8_t>(n.value)) << n.name;
  }
  EXPECT_TRUE(elf::is_string_tag(DT_AUDIT));
  EXPECT_TRUE(elf::is_string_tag(DT_FILTER));
  EXPECT_FALSE(elf::is_string_tag(DT_STRTAB));
}

}  // namespace
}  // namespace shelf::patch
