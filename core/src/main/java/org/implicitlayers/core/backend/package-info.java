/**
 * The small interface behind which every primitive kernel sits ({@link
 * org.implicitlayers.core.backend.Backend}, its storage) and the tables of elementwise, binary and
 * reduction ops whose meaning each backend implements.
 */
package org.implicitlayers.core.backend;
