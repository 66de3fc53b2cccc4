package org.implicitlayers.sweep;

import java.io.Serializable;

/**
 * One run of a sweep, as shipped to an executor: plain strings, so that it serialises small and the
 * same everywhere.
 *
 * @param index its position in the sweep (the order of the space's points), from 0
 * @param id a hash of its settings (see {@link Sweep}); also the name of its output folder
 * @param settings the swept settings as a JSON object (axis name to value)
 * @param problem the complete problem the run solves, as JSON
 */
public record Run(int index, String id, String settings, String problem) implements Serializable {
    private static final long serialVersionUID = 1L;
}
