#include "wrap/desktop_icon.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/error.h"
#include "base/input_file.h"
#include "wrap/error.h"

namespace shelf::wrap {

namespace fs = std::filesystem;

namespace {

uint32_t be32(const std::string& b, size_t at) {
  return (static_cast<uint32_t>(static_cast<unsigned char>(b[at])) << 24) |
         (static_cast<uint32_t>(static_cast<unsigned char>(b[at + 1])) << 16) |
         (static_cast<uint32_t>(static_cast<unsigned char>(b[at + 2])) << 8) |
         static_cast<uint32_t>(static_cast<unsigned char>(b[at + 3]));
}

bool is_png(const std::string& b) { return b.size() >= 24 && b.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0 && b.compare(12, 4, "IHDR") == 0; }
bool is_svg(const std::string& b) { return b.find("<svg") != std::string::npos; }

}  // namespace

IconInstall install_icon(const std::string& file, const std::string& size, const std::string& name,
                         const std::string& prefix) {
  std::string read;
  try {
    read = base::read_whole_file(file);  // a FIFO or device is refused, never waited on
  } catch (const base::Error& e) {
    throw input_error("--icon-file " + file, e.reason());
  }
  const std::string bytes = std::move(read);

  std::string ext, dir;
  if (is_png(bytes)) {
    ext = "png";
    uint32_t w = be32(bytes, 16), h = be32(bytes, 20);
    if (size.empty() || size.find_first_not_of("0123456789") != std::string::npos)
      throw usage_error("--icon-size", "a PNG icon needs its pixel size N (it is " + std::to_string(w) + "x" +
                                           std::to_string(h) + ")");
    if (w != h) throw input_error("--icon-file " + file, "icon is not square (" + std::to_string(w) + "x" + std::to_string(h) + ")");
    if (std::to_string(w) != size)
      throw input_error("--icon-file " + file, "is " + std::to_string(w) + "x" + std::to_string(h) +
                                                   " pixels, not the --icon-size " + size);
    dir = size + "x" + size;
  } else if (is_svg(bytes)) {
    ext = "svg";
    if (size.empty() || size == "scalable")
      dir = "scalable";
    else if (size.find_first_not_of("0123456789") == std::string::npos && size != "0")
      dir = size + "x" + size;
    else
      throw usage_error("--icon-size " + size, "must be a number of pixels or 'scalable'");
  } else {
    throw input_error("--icon-file " + file, "neither a PNG nor an SVG image");
  }

  IconInstall result;
  result.name = name.empty() ? fs::path(file).stem().string() : name;
  if (result.name.empty() || result.name.find('/') != std::string::npos)
    throw usage_error("icon name '" + result.name + "'", "must be a file name without '/'");
  fs::path target = fs::path(prefix) / "share" / "icons" / "hicolor" / dir / "apps" / (result.name + "." + ext);
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) throw input_error(target.parent_path().string(), "cannot create: " + ec.message());
  std::ofstream out(target, std::ios::binary | std::ios::trunc);
  out << bytes;
  if (!out.flush()) throw input_error(target.string(), "cannot write");
  result.path = target.string();
  return result;
}

std::string prefix_of_desktop_file(const std::string& desktop_file) {
  fs::path dir = fs::absolute(desktop_file).lexically_normal().parent_path();
  if (dir.filename() != "applications" || dir.parent_path().filename() != "share") return "";
  return dir.parent_path().parent_path().string();
}

}  // namespace shelf::wrap
