/* libmid: needs libleaf, but carries no search path of its own. */
int leaf(void);
int mid(void) { return leaf() + 1; }
