package org.implicitlayers.core.train;

import java.nio.file.Path;
import java.util.Map;

/** Hooks of the training loop; all optional. They run on the training thread. */
public interface TrainingCallback {
    /**
     * The loop starts at {@code firstStep} (1 for a fresh run, later when resumed) of {@code
     * totalSteps}.
     */
    default void onStart(long firstStep, long totalSteps) {}

    /** After each optimiser step. */
    default void onStep(Trainer.StepInfo info) {}

    /** After each evaluation, with its metrics. */
    default void onEval(long step, Map<String, Double> metrics) {}

    /** After a checkpoint was written. */
    default void onCheckpoint(long step, Path file) {}

    /** When the loop ends, finished, cancelled or failed. */
    default void onEnd(Trainer.Result result) {}
}
