// Package govlake holds the domain of the open-data lake: datasets, pipelines,
// versions and their manifests, runs, validation results, the coded error type
// and the small interfaces the adapters implement. It imports only the
// standard library so that every other package can depend on it.
package govlake
