/* dlopen()s libplugin.so.1 directly and through libloader.so.1, and prints what
 * each found. With -DWITH_NOTE it declares the plugin (alternatives
 * libplugin-missing.so.9, which no tree provides, and libplugin.so.1) in a
 * .note.dlopen ELF note (https://systemd.io/ELF_DLOPEN_METADATA/), as
 * systemd's ELF_NOTE_DLOPEN macro does: owner "FDO", type 0x407c0c0a, a
 * NUL-terminated JSON array. The section must be of type SHT_NOTE, which a C
 * section attribute cannot say, hence the assembler. */
#include <dlfcn.h>
#include <stdio.h>

const char *loader_try(void);

#ifdef WITH_NOTE
__asm__(".pushsection .note.dlopen,\"a\",%note\n"
        ".balign 4\n"
        ".long 4\n"          /* n_namesz: "FDO\0" */
        ".long 2f - 1f\n"    /* n_descsz */
        ".long 0x407c0c0a\n" /* NT_FDO_DLOPEN_METADATA */
        ".asciz \"FDO\"\n"
        "1: .asciz \"[{\\\"feature\\\":\\\"plugin\\\",\\\"description\\\":\\\"test plugin\\\","
        "\\\"priority\\\":\\\"recommended\\\",\\\"soname\\\":[\\\"libplugin-missing.so.9\\\",\\\"libplugin.so.1\\\"]}]\"\n"
        "2: .balign 4\n"
        ".popsection\n");
#endif

int main(void) {
  /* Through the library first: once loaded, the plugin would be found by
   * its soname whatever the search path. */
  const char *via_library = loader_try();
  void *h = dlopen("libplugin.so.1", RTLD_NOW);
  const char *direct = "not found";
  if (h) {
    const char *(*name)(void) = (const char *(*)(void))dlsym(h, "plugin_name");
    direct = name ? name() : "no plugin_name";
  }
  printf("direct: %s\nvia library: %s\n", direct, via_library);
  return 0;
}
