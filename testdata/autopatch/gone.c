/* Linked against libraries the test trees do not ship (libgone.so.1, ...),
 * so autopatch has something it cannot find. */
int gone_value(void);

int main(void) { return gone_value(); }
