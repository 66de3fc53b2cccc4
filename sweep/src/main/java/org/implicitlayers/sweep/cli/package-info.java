/**
 * The {@code implicit sweep} and {@code implicit bench sweep} commands, kept in this module so
 * that Spark is on the class path only when a sweep runs.
 */
package org.implicitlayers.sweep.cli;
