/**
 * The {@code implicit sweep} and {@code implicit bench sweep} commands, started by {@code
 * bin/implicit} (or by {@code spark-submit} on a cluster) through {@link
 * org.implicitlayers.sweep.cli.SweepCli}.
 */
package org.implicitlayers.sweep.cli;
