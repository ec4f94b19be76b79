/* Benchmark fixture: does nothing, so timing it measures start-up alone. */
int main(void) { return 0; }
