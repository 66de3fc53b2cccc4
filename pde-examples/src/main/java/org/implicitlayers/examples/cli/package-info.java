/**
 * The {@code implicit} command-line tool (picocli): argument parsing, console progress and the
 * files each command writes; the work itself is in the library modules.
 */
package org.implicitlayers.examples.cli;
