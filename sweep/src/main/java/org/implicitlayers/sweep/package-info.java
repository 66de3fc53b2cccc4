/**
 * Parameter sweeps on Apache Spark: sweep files, the space of settings, runs with recorded
 * failures and time limits, result tables and plots.
 */
package org.implicitlayers.sweep;
