/* libloader.so.1: dlopen()s libplugin.so.1 itself, so the search uses this
 * library's own RUNPATH (the program's RUNPATH does not apply). */
#include <dlfcn.h>
#include <stdio.h>

const char *loader_try(void) {
  void *h = dlopen("libplugin.so.1", RTLD_NOW);
  if (!h) return "not found";
  const char *(*name)(void) = (const char *(*)(void))dlsym(h, "plugin_name");
  return name ? name() : "no plugin_name";
}
