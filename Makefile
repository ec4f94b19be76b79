# The two commands a new user needs (README.md):
#   make demo   install what is needed, build, run the main job
#   make test   install what is needed, build with ASan+UBSan, run every test
# Everything else here is a step of those two.

SHELL := /bin/bash
JOBS ?= 2
ASAN_DIR := build/asan
RELEASE_DIR := build/release

# Debian packages: build tools and libraries, the cross compilers and qemu
# used by the fixtures, and the independent tools the tests compare against.
PACKAGES := cmake g++ make pkg-config git \
  libcli11-dev libspdlog-dev libfmt-dev libarchive-dev nlohmann-json3-dev \
  libtomlplusplus-dev libcurl4-openssl-dev libsqlite3-dev libssl-dev libelf-dev liblief-dev \
  libgtest-dev libgmock-dev libbenchmark-dev \
  gcc-i686-linux-gnu gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf \
  gcc-powerpc64le-linux-gnu gcc-s390x-linux-gnu gcc-riscv64-linux-gnu \
  gcc-mips64el-linux-gnuabi64 \
  libc6-dev-i386-cross libc6-dev-arm64-cross libc6-dev-armhf-cross \
  libc6-dev-ppc64el-cross libc6-dev-s390x-cross libc6-dev-riscv64-cross \
  libc6-dev-mips64el-cross qemu-user binutils \
  patchelf elfutils pax-utils libtree desktop-file-utils libglib2.0-bin nix-bin makeself bubblewrap \
  python3 time hyperfine sqlite3 zstd zip unzip xz-utils bzip2 strace

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test deps build build-release bench clean

demo: deps build-release
	./demo/run $(RELEASE_DIR)/src/cli/shelf

test: deps build
	cd $(ASAN_DIR) && ctest --output-on-failure -j$(JOBS)

bench: deps build-release
	./bench/run $(RELEASE_DIR)/src/cli/shelf

# Installs the packages only when one is missing, so repeated runs are fast.
deps:
	@if ! dpkg -s $(PACKAGES) >/dev/null 2>&1; then \
	  echo "installing Debian packages"; \
	  $(SUDO) apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $(PACKAGES); \
	fi

build:
	cmake -S . -B $(ASAN_DIR) -DCMAKE_BUILD_TYPE=Asan
	cmake --build $(ASAN_DIR) -j$(JOBS)

build-release:
	cmake -S . -B $(RELEASE_DIR) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(RELEASE_DIR) -j$(JOBS)

clean:
	rm -rf build
