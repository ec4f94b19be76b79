// `patchelf` as a program of its own: the front end of cmd_patch.cc linked
// with the ELF reader and the patcher only, so an edit does not first map
// the libraries the rest of shelf needs (libcurl, libarchive, SQLite, ...):
// that start-up cost was most of shelf's peak memory on a patch.
#include "cli/commands.h"

int main(int argc, char** argv) { return shelf::cli::run_as_patchelf(argc, argv); }
