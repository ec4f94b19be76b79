#include "special_files.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <filesystem>

namespace shelf::test {

std::string make_device(const std::string& dir, const std::string& name, char type, unsigned major,
                        unsigned minor) {
  std::string path = dir + "/" + name;
  mode_t kind = type == 'b' ? S_IFBLK : S_IFCHR;
  EXPECT_EQ(mknod(path.c_str(), kind | 0666, makedev(major, minor)), 0)
      << "mknod " << path << ": " << std::strerror(errno) << " (the tests run as root, as CI does)";
  return path;
}

std::string make_fifo(const std::string& dir, const std::string& name) {
  std::string path = dir + "/" + name;
  EXPECT_EQ(mkfifo(path.c_str(), 0666), 0) << path << ": " << std::strerror(errno);
  return path;
}

std::string make_socket(const std::string& dir, const std::string& name) {
  std::string path = dir + "/" + name;
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  EXPECT_LT(path.size(), sizeof addr.sun_path) << path;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0) << path << ": " << std::strerror(errno);
  close(fd);
  return path;
}

std::string file_type(const std::string& path) {
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) return "missing";
  auto dev = [&](const char* t) {
    return std::string(t) + " " + std::to_string(major(st.st_rdev)) + ":" + std::to_string(minor(st.st_rdev));
  };
  if (S_ISCHR(st.st_mode)) return dev("c");
  if (S_ISBLK(st.st_mode)) return dev("b");
  if (S_ISFIFO(st.st_mode)) return "fifo";
  if (S_ISSOCK(st.st_mode)) return "socket";
  if (S_ISLNK(st.st_mode)) return "symlink";
  if (S_ISDIR(st.st_mode)) return "directory";
  return "regular";
}

FifoReader::FifoReader(const std::string& fifo, int seconds) : seconds_(seconds) {
  fd_ = open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  EXPECT_GE(fd_, 0) << fifo << ": " << std::strerror(errno);
  if (fd_ < 0) return;
  thread_ = std::thread([this] {
    // No writer yet: poll reports nothing (not even a hang-up) until one
    // has opened the FIFO; after it closes, POLLHUP and read() returns 0.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds_);
    bool seen_writer = false;
    char buf[65536];
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 200) <= 0) continue;
      ssize_t n = read(fd_, buf, sizeof buf);
      if (n > 0) {
        data_.append(buf, static_cast<size_t>(n));
        seen_writer = true;
      } else if (n == 0 && (seen_writer || (p.revents & POLLHUP))) {
        return;
      }
    }
  });
}

std::string FifoReader::finish() {
  if (thread_.joinable()) thread_.join();
  return data_;
}

FifoReader::~FifoReader() {
  finish();
  if (fd_ >= 0) close(fd_);
}

std::string leftovers(const std::string& dir) {
  std::string names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    if (name.find(".shelf-") != std::string::npos) names += name + " ";
  }
  return names;
}

}  // namespace shelf::test
