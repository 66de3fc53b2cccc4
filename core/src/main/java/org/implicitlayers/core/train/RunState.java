package org.implicitlayers.core.train;

import java.util.Map;
import org.implicitlayers.core.Tensor;

/**
 * State of a run besides the parameters, the optimiser and the generator that an exact resume
 * needs, such as the position in a quasi-random sequence or points added during training. The
 * {@link Trainer} stores it in every checkpoint (entries {@code state/NAME}) and hands it back on
 * resume.
 */
public interface RunState {
    /** The current state as named tensors (small: counters and point sets). */
    Map<String, Tensor> save();

    /**
     * Restores a state produced by {@link #save()}: validated completely first, so that on an
     * {@link IllegalArgumentException} (naming the entry and what was expected) nothing changes.
     */
    void restore(Map<String, Tensor> saved);
}
