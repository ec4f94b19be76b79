/* The game's engine, bundled as lib/libgamecore.so. */
const char *engine_name(void) { return "gamecore 2.1"; }
