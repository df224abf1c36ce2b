package duckdb

// #include <malloc.h>
import "C"

// trim hands the C heap's free pages back to the system after a DuckDB
// instance closes. Each in-memory instance (a run's profile, a transform)
// allocates through glibc's malloc, whose arenas keep freed memory; over
// thousands of runs in one process (ingest run over many pipelines) that
// kept memory, not live data, grew the resident size.
func trim() { C.malloc_trim(0) }
