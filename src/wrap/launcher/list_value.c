/* --prefix and --suffix: one component added to a separated list, exactly
 * as makeWrapper's generated bash does it (tests/wrap/list_property_test
 * checks both wrapper kinds against a model of it). */
#include "arena.h"
#include "blob_format.h"
#include "fail.h"
#include "steps.h"
#include "text.h"

/* Writes x y z into `out`, NUL-ended; returns the end. */
static char* join3(char* out, const char* x, const char* y, const char* z) {
  size_t lx = text_len(x), ly = text_len(y), lz = text_len(z);
  memcpy(out, x, lx);
  memcpy(out + lx, y, ly);
  memcpy(out + lx + ly, z, lz + 1);
  return out + lx + ly + lz + 1;
}

/* Room for this step's three working strings in c->scratch, allocated
 * once with room for what the later steps add (list_value_growth), so a
 * wrapper with many components does not leave a trail of old copies. */
static char* scratch(struct context* c, size_t need) {
  if (need > c->scratch_size) {
    c->scratch_size = arena_add(c, need, c->scratch_growth);
    c->scratch = arena_alloc(c, c->scratch_size);
  }
  return c->scratch;
}

size_t list_value_growth(const struct context* c, const struct step* steps, size_t n) {
  /* A step's list is at most value and separator longer than the one
   * before, and the working strings hold the list twice. */
  size_t growth = 0;
  for (size_t i = 0; i < n; ++i)
    if (steps[i].kind == SHELF_STEP_PREFIX || steps[i].kind == SHELF_STEP_SUFFIX)
      growth = arena_add(c, growth, 2 * (text_len(steps[i].fields[1]) + text_len(steps[i].fields[2])));
  return growth;
}

/* makeWrapper's addValue(): surround a non-empty value with separators,
 * move (prefix) or look for (suffix) the component, strip one separator
 * at each end. */
void add_list_value(struct context* c, struct environ* env, int prefix, const char* var, const char* sep,
                    const char* value) {
  const char* current = env_get(env, var);
  if (current && !*current) current = NULL;
  size_t sl = text_len(sep), vl = text_len(value), cl = current ? text_len(current) : 0;
  /* list: "<sep>current<sep>" or ""; item: "<sep>value<sep>"; next: value
   * and list joined (prefix) or list and value (suffix). */
  size_t list_size = current ? arena_add(c, cl, 2 * sl + 1) : 1;
  size_t item_size = arena_add(c, vl, 2 * sl + 1);
  size_t next_size = arena_add(c, vl, list_size);
  char* list = scratch(c, arena_add(c, arena_add(c, list_size, item_size), next_size));
  /* Each string starts where the one before ends. */
  char* item = current ? join3(list, sep, current, sep) : join3(list, "", "", "");
  char* next = join3(item, sep, value, sep);
  char* found = text_str(list, item);
  if (prefix) {
    if (found) {
      /* Replace the first "<sep>value<sep>" by "<sep>". */
      size_t il = text_len(item);
      memmove(found + sl, found + il, text_len(found + il) + 1);
    }
    join3(next, value, list, "");
  } else if (found) {
    next = list;
  } else {
    join3(next, list, value, "");
  }
  size_t nl = text_len(next);
  char* start = next;
  if (nl >= sl && memcmp(start, sep, sl) == 0) {
    start += sl;
    nl -= sl;
  }
  if (nl >= sl && memcmp(start + nl - sl, sep, sl) == 0) start[nl - sl] = '\0';
  int r = env_set(c, env, var, start, 1);
  struct error_buffer eb;
  if (r < 0) fail(c, "cannot set an environment variable", error_text(-r, &eb));
}
