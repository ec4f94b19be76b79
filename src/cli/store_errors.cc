#include "cli/store_errors.h"

#include "cli/diagnostics.h"
#include "cli/exit_codes.h"
#include "store/error.h"

namespace shelf::cli {

void guarded(int& status, const std::function<int()>& body) {
  try {
    status = body();
  } catch (const store::BadInput& e) {
    print_error(e.what());
    status = kBadInput;
  } catch (const store::Refused& e) {
    print_error(e.what());
    status = kFindings;
  } catch (const store::Error& e) {
    print_error(e.what());
    status = kInternal;
  }
}

}  // namespace shelf::cli
