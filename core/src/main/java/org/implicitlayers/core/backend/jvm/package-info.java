/**
 * The JVM backend: storage in heap arrays, hot kernels written with the Vector API (when {@code
 * jdk.incubator.vector} is enabled) and a plain scalar fallback of the same ops, parallel over a
 * small thread pool.
 */
package org.implicitlayers.core.backend.jvm;
