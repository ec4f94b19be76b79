#include "recipe/fetch.h"

#include <curl/curl.h>

#include <cstdio>
#include <memory>

#include "recipe/error.h"

namespace shelf::recipe {

namespace {

size_t write_to_file(char* data, size_t size, size_t count, void* stream) {
  return std::fwrite(data, size, count, static_cast<std::FILE*>(stream)) * size;
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

}  // namespace

void fetch_url(const std::string& url, const std::string& dest, const std::string& file, const Origin& origin) {
  const std::string& key = origin.key;
  static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  if (!initialised) throw Error(file, key, "cannot initialise libcurl", origin.at);
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) throw Error(file, key, "cannot initialise libcurl", origin.at);
  std::string partial = dest + ".part";
  std::unique_ptr<std::FILE, FileCloser> out(std::fopen(partial.c_str(), "wb"));
  if (!out) throw Error(file, key, "cannot write " + partial, origin.at);
  char error[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  // The protocols recipes document; a redirect may not switch to file://.
  curl_easy_setopt(curl.get(), CURLOPT_PROTOCOLS_STR, "http,https,ftp,file");
  curl_easy_setopt(curl.get(), CURLOPT_REDIR_PROTOCOLS_STR, "http,https,ftp");
  curl_easy_setopt(curl.get(), CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, write_to_file);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, out.get());
  curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl.get(), CURLOPT_USERAGENT, "shelf");
  CURLcode rc = curl_easy_perform(curl.get());
  bool flushed = std::fflush(out.get()) == 0;
  out.reset();
  if (rc != CURLE_OK || !flushed) {
    std::remove(partial.c_str());
    throw Error(file, key, "cannot fetch " + url + ": " + (error[0] ? error : curl_easy_strerror(rc)), origin.at);
  }
  if (std::rename(partial.c_str(), dest.c_str()) != 0) throw Error(file, key, "cannot write " + dest, origin.at);
}

}  // namespace shelf::recipe
