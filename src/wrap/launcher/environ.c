#include "environ.h"

#include "arena.h"
#include "sys.h"
#include "text.h"

void env_init(struct context* c, struct environ* env, char** envp, size_t more) {
  size_t n = 0;
  while (envp[n]) ++n;
  env->capacity = arena_add(c, n, more);
  env->entries = arena_alloc(c, arena_add(c, env->capacity, 1) * sizeof(char*));
  memcpy(env->entries, envp, n * sizeof(char*));
  env->entries[n] = NULL;
  env->count = n;
}

/* The value part of `entry` when it is NAME=value, else NULL. Stops at the
 * entry's NUL (memcmp compares in order and stops at the first difference). */
static const char* value_of(const char* entry, const char* name, size_t len) {
  return memcmp(entry, name, len) == 0 && entry[len] == '=' ? entry + len + 1 : NULL;
}

static int valid_name(const char* name) { return name[0] != '\0' && !text_chr(name, '='); }

const char* env_get(const struct environ* env, const char* name) {
  if (name[0] == '\0') return NULL;
  size_t len = text_len(name);
  for (size_t i = 0; i < env->count; ++i) {
    const char* v = value_of(env->entries[i], name, len);
    if (v) return v;
  }
  return NULL;
}

int env_set(struct context* c, struct environ* env, const char* name, const char* value, int replace) {
  if (!valid_name(name)) return -EINVAL;
  size_t len = text_len(name);
  size_t i = 0;
  while (i < env->count && !value_of(env->entries[i], name, len)) ++i;
  if (i < env->count && !replace) return 0;
  size_t vlen = text_len(value);
  /* A variable set again (each component of a --prefix) gets its new
   * entry where the old one was, when the old one is ours and on top. */
  if (i < env->count) {
    char* old = env->entries[i];
    size_t old_size = text_len(old) + 1;
    if (value < old || value >= old + old_size) arena_release_last(c, old, old_size);
  }
  char* entry = arena_alloc(c, arena_add(c, arena_add(c, len, vlen), 2));
  memcpy(entry, name, len);
  entry[len] = '=';
  memcpy(entry + len + 1, value, vlen + 1);
  if (i == env->count) {
    /* env_init reserved one slot per step that can add a variable. */
    if (env->count == env->capacity) return -ENOMEM;
    env->entries[++env->count] = NULL;
  }
  env->entries[i] = entry;
  return 0;
}

void env_unset(struct environ* env, const char* name) {
  if (!valid_name(name)) return;
  size_t len = text_len(name), kept = 0;
  for (size_t i = 0; i < env->count; ++i)
    if (!value_of(env->entries[i], name, len)) env->entries[kept++] = env->entries[i];
  env->count = kept;
  env->entries[kept] = NULL;
}

void env_drop_unsafe(struct environ* env) {
  /* glibc 2.36 UNSECURE_ENVVARS (sysdeps/generic/unsecvars.h), which its
   * static start-up unsets when AT_SECURE is set. */
  static const char names[] =
      "GCONV_PATH\0GETCONF_DIR\0HOSTALIASES\0LD_AUDIT\0LD_DEBUG\0LD_DEBUG_OUTPUT\0LD_DYNAMIC_WEAK\0"
      "LD_HWCAP_MASK\0LD_LIBRARY_PATH\0LD_ORIGIN_PATH\0LD_PRELOAD\0LD_PROFILE\0LD_SHOW_AUXV\0"
      "LD_USE_LOAD_BIAS\0LOCALDOMAIN\0LOCPATH\0MALLOC_TRACE\0NIS_PATH\0NLSPATH\0RESOLV_HOST_CONF\0"
      "RES_OPTIONS\0TMPDIR\0TZDIR\0";
  for (const char* p = names; *p; p += text_len(p) + 1) env_unset(env, p);
}
