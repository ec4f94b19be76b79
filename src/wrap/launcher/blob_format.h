/* The configuration a compiled wrapper carries: shared by the launcher (C)
 * and by `shelf wrap --binary` (C++), so both read and write one format.
 *
 * `shelf wrap --binary` copies the static launcher program and appends
 *
 *     record*  trailer
 *
 * record  = u32 kind, u32 field_count, field_count * (u32 length, bytes)
 * trailer = u64 records_size, u32 version, u32 reserved (0), 8 bytes magic
 *
 * All integers are little-endian. The trailer is the last
 * SHELF_BLOB_TRAILER_SIZE bytes of the file, so the launcher finds its
 * configuration with one read at the end of its own executable.
 * The first record is always SHELF_STEP_TARGET; the others are applied in
 * file order. Values are arbitrary bytes (never NUL: they become C strings).
 */
#ifndef SHELF_WRAP_BLOB_FORMAT_H
#define SHELF_WRAP_BLOB_FORMAT_H

#define SHELF_BLOB_MAGIC "SHELFWR1"
#define SHELF_BLOB_MAGIC_SIZE 8
#define SHELF_BLOB_VERSION 1u
#define SHELF_BLOB_TRAILER_SIZE 24
/* Upper bound on the record area, so a corrupt trailer cannot make the
 * launcher allocate gigabytes. */
#define SHELF_BLOB_MAX_RECORDS_SIZE (64u * 1024u * 1024u)

/* Step kinds and the number of fields each carries. */
enum shelf_step_kind {
  SHELF_STEP_TARGET = 1,        /* path */
  SHELF_STEP_SET = 2,           /* name, value */
  SHELF_STEP_SET_DEFAULT = 3,   /* name, value */
  SHELF_STEP_UNSET = 4,         /* name */
  SHELF_STEP_PREFIX = 5,        /* name, separator, one component */
  SHELF_STEP_SUFFIX = 6,        /* name, separator, one component */
  SHELF_STEP_CHDIR = 7,         /* directory */
  SHELF_STEP_ADD_FLAG = 8,      /* argument put before the caller's */
  SHELF_STEP_APPEND_FLAG = 9,   /* argument put after the caller's */
  SHELF_STEP_ARGV0 = 10,        /* name */
  SHELF_STEP_INHERIT_ARGV0 = 11,/* no field */
  SHELF_STEP_RESOLVE_ARGV0 = 12,/* no field */
  SHELF_STEP_RUN = 13           /* shell command: shell wrappers only */
};

/* Fields a step kind carries, or -1 for an unknown kind. */
static inline int shelf_step_field_count(unsigned kind) {
  switch (kind) {
    case SHELF_STEP_TARGET: return 1;
    case SHELF_STEP_SET: return 2;
    case SHELF_STEP_SET_DEFAULT: return 2;
    case SHELF_STEP_UNSET: return 1;
    case SHELF_STEP_PREFIX: return 3;
    case SHELF_STEP_SUFFIX: return 3;
    case SHELF_STEP_CHDIR: return 1;
    case SHELF_STEP_ADD_FLAG: return 1;
    case SHELF_STEP_APPEND_FLAG: return 1;
    case SHELF_STEP_ARGV0: return 1;
    case SHELF_STEP_INHERIT_ARGV0: return 0;
    case SHELF_STEP_RESOLVE_ARGV0: return 0;
    case SHELF_STEP_RUN: return 1;
    default: return -1;
  }
}

/* The makeWrapper flag that produced a step, for readable output. */
static inline const char* shelf_step_flag(unsigned kind) {
  switch (kind) {
    case SHELF_STEP_TARGET: return "target";
    case SHELF_STEP_SET: return "--set";
    case SHELF_STEP_SET_DEFAULT: return "--set-default";
    case SHELF_STEP_UNSET: return "--unset";
    case SHELF_STEP_PREFIX: return "--prefix";
    case SHELF_STEP_SUFFIX: return "--suffix";
    case SHELF_STEP_CHDIR: return "--chdir";
    case SHELF_STEP_ADD_FLAG: return "--add-flag";
    case SHELF_STEP_APPEND_FLAG: return "--append-flag";
    case SHELF_STEP_ARGV0: return "--argv0";
    case SHELF_STEP_INHERIT_ARGV0: return "--inherit-argv0";
    case SHELF_STEP_RESOLVE_ARGV0: return "--resolve-argv0";
    case SHELF_STEP_RUN: return "--run";
    default: return "?";
  }
}

/* The launcher's own option that prints its configuration and exits. */
#define SHELF_WRAPPER_SHOW_OPTION "--shelf-wrapper-show"

#endif
