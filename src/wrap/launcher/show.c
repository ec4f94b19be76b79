/* --shelf-wrapper-show: the configuration as shelf prints it. */
#include "blob_format.h"
#include "out.h"
#include "steps.h"

static void print_quoted(struct out* o, const char* s) {
  out_char(o, '\'');
  for (; *s; ++s) {
    if (*s == '\'')
      out_text(o, "'\\''");
    else
      out_char(o, *s);
  }
  out_char(o, '\'');
}

/* Same text as shelf::wrap::describe(). */
int show_configuration(const struct step* steps, size_t n) {
  struct out o;
  o.used = 0;
  o.failed = 0;
  out_text(&o, "target ");
  print_quoted(&o, steps[0].fields[0]);
  out_char(&o, '\n');
  for (size_t i = 1; i < n; ++i) {
    out_text(&o, shelf_step_flag(steps[i].kind));
    for (unsigned f = 0; f < steps[i].count; ++f) {
      out_char(&o, ' ');
      print_quoted(&o, steps[i].fields[f]);
    }
    out_char(&o, '\n');
  }
  return out_flush(&o) == 0 ? 0 : 1;
}
