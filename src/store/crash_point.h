// Named points in the store's multi-step operations where a crash is most
// interesting (between the database commit and the rename, and so on).
// Random kill -9 rarely lands in those microsecond windows, so the crash
// tests set SHELF_CRASH_AT=<name> and the process kills itself with SIGKILL
// exactly there. Without the variable this is one getenv per call.
#pragma once

namespace shelf::store {

void crash_point(const char* name);

}  // namespace shelf::store
