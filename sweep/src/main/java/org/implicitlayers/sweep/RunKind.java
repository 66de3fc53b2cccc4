package org.implicitlayers.sweep;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a sweep runs: a kind of problem file and the solver that runs it. Implementations are
 * stateless; an executor looks one up by {@link #name()}.
 */
public interface RunKind {
    /** The metrics and counts of a finished run. */
    record Output(Map<String, Double> metrics, long steps, double trainSeconds) {}

    /** The name used in sweep files ({@code "kind"}). */
    String name();

    /**
     * Checks a complete problem as the solver will read it; throws {@link IllegalArgumentException}
     * naming the field and what was expected.
     */
    void check(ObjectNode problem);

    /**
     * Runs a problem with single-threaded kernels, writing its own outputs (the problem,
     * parameters, curves) into {@code dir}; throws {@link RunTimeLimitException} past the time
     * limit and {@link org.implicitlayers.core.train.TrainingDivergedException} on NaN.
     *
     * @param timeLimitSeconds wall-clock limit in seconds, 0 for none
     */
    Output run(ObjectNode problem, Path dir, double timeLimitSeconds) throws Exception;

    /**
     * A rough wall time of one run of {@code problem} in seconds, found quickly (well within a
     * second or two) before anything runs, for the estimate a sweep prints at its start; NaN when
     * the kind cannot tell.
     */
    default double estimateSeconds(ObjectNode problem) {
        return Double.NaN;
    }

    /** The kind of the given name. */
    static RunKind named(String name) {
        if (name.equals(RitzRunKind.NAME)) {
            return new RitzRunKind();
        }
        throw new IllegalArgumentException(
                "kind: expected 'ritz' (problem files of 'implicit ritz'), got '" + name + "'");
    }
}
