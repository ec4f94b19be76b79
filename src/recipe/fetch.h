// Fetching a source named by URL (libcurl: https, http, ftp, file). The
// download goes to a temporary name and is renamed when complete; the
// sha256 is checked by the caller before the file is used.
#pragma once

#include <string>

#include "recipe/recipe.h"

namespace shelf::recipe {

// Downloads `url` to `dest`. Throws recipe::Error naming `file` and
// `origin` (the recipe and the source's url value) on any transfer error
// or HTTP status of 400 and above. libcurl is opened on the first call
// (curl_shim.cc); when it cannot be, store::Error names it: the machine,
// not the recipe, is at fault.
void fetch_url(const std::string& url, const std::string& dest, const std::string& file, const Origin& origin);

}  // namespace shelf::recipe
