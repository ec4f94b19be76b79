/* The steps that take more than a line of launcher.c, one file each. */
#ifndef SHELF_LAUNCHER_STEPS_H
#define SHELF_LAUNCHER_STEPS_H

#include <stddef.h>

#include "blob.h"
#include "context.h"
#include "environ.h"

/* Prints the configuration (show.c); the exit status: 0, or 1 when
 * stdout could not be written. */
int show_configuration(const struct step* steps, size_t n);

/* makeWrapper's addValue() for --prefix (prefix != 0) and --suffix on
 * `var` in `env` (list_value.c). */
void add_list_value(struct context* c, struct environ* env, int prefix, const char* var, const char* sep,
                    const char* value);

/* What the --prefix/--suffix steps among `steps` can add to a list in
 * all, to size add_list_value's working space once (list_value.c). */
size_t list_value_growth(const struct context* c, const struct step* steps, size_t n);

/* `name` looked up in `path` (a PATH value, may be NULL) when it has no
 * slash; `name` itself when nothing matches (resolve_argv0.c). */
const char* resolve_in_path(struct context* c, const char* name, const char* path);

#endif
