package org.implicitlayers.sweep;

/** How a run ended. A sweep goes on whatever one run does; only {@link #OK} runs have metrics. */
public enum RunStatus {
    /** Finished with finite metrics. */
    OK,
    /** Threw an exception (a bad setting the problem file could not catch, a solver failure). */
    ERROR,
    /** The loss, a gradient or a final metric became NaN or infinite. */
    DIVERGED,
    /** Ran past the sweep's {@code time_limit_s}. */
    TIME_LIMIT;

    /** The name in tables and result files: ok, error, diverged, time_limit. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Parses a {@link #label()}. */
    public static RunStatus ofLabel(String s) {
        return valueOf(s.toUpperCase(java.util.Locale.ROOT));
    }
}
