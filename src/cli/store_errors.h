// Store errors to exit statuses, shared by every command that works on the
// store (`shelf store …`, the profile commands, `shelf build`): each store
// error becomes one line `shelf: SUBJECT: reason` and the status its type
// calls for (docs/ARCHITECTURE.md, "Errors and exit statuses").
#pragma once

#include <functional>

namespace shelf::cli {

// Runs `body` and stores its result in `status`. A store::BadInput becomes
// exit 3, a store::Refused (still referenced, a profile conflict, nothing to
// roll back to) exit 1, any other store::Error (database, file system) exit
// 4. Other exceptions pass through to the caller.
void guarded(int& status, const std::function<int()>& body);

}  // namespace shelf::cli
