/**
 * The benchmarks of the {@code bench} command: each runs one problem of docs/benchmarks.md and
 * returns its fields for one JSON line.
 */
package org.implicitlayers.examples.bench;
