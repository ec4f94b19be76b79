/* libplugin.so.1: only ever dlopen()ed, never NEEDED. */
const char *plugin_name(void) { return "plugin " NAME; }
