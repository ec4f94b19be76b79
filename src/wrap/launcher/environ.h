/* The environment the target gets: the caller's, edited with glibc's
 * getenv/setenv/unsetenv rules so wrappers behave as when the launcher
 * was linked with glibc:
 *  - a NAME matches an entry that starts with "NAME=" (entries without
 *    '=' never match and are passed on untouched);
 *  - get and set use the first match; unset removes every match;
 *  - a new variable goes at the end;
 *  - an empty NAME or one containing '=' is refused by set (EINVAL) and
 *    ignored by unset. */
#ifndef SHELF_LAUNCHER_ENVIRON_H
#define SHELF_LAUNCHER_ENVIRON_H

#include <stddef.h>

#include "context.h"

struct environ {
  char** entries; /* NULL-ended, ready for execve */
  size_t count;
  size_t capacity; /* entries that fit, without the final NULL */
};

/* Copies the pointers of `envp` (the strings are shared, never written),
 * leaving room for `more` new variables. */
void env_init(struct context* c, struct environ* env, char** envp, size_t more);

const char* env_get(const struct environ* env, const char* name);

/* setenv(name, value, replace): 0, or -EINVAL for a bad name. */
int env_set(struct context* c, struct environ* env, const char* name, const char* value, int replace);

void env_unset(struct environ* env, const char* name);

/* What glibc's start-up does in a set-user-ID or set-group-ID program
 * (AT_SECURE): drop the variables that steer the loader and libc. */
void env_drop_unsafe(struct environ* env);

#endif
