/**
 * Parameter sweeps of solver runs on Apache Spark. A {@link org.implicitlayers.sweep.Sweep} (read
 * from a sweep file) expands its {@link org.implicitlayers.sweep.SweepSpace} of settings over a
 * base problem into {@link org.implicitlayers.sweep.Run}s, each identified by a hash of its
 * settings; {@link org.implicitlayers.sweep.SweepRunner} runs the unfinished ones as Spark tasks
 * through {@link org.implicitlayers.sweep.RunExecutor}, which records a failed run instead of
 * failing the job; {@link org.implicitlayers.sweep.ResultTable}, {@link
 * org.implicitlayers.sweep.Ranking} and {@link org.implicitlayers.sweep.SweepPlot} report the
 * results. Spark appears in no other module.
 */
package org.implicitlayers.sweep;
