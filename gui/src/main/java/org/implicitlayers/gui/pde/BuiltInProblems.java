package org.implicitlayers.gui.pde;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.implicitlayers.ritz.Examples;
import org.implicitlayers.ritz.ProblemFile;
import org.implicitlayers.ritz.ProblemSpec;

/**
 * The library's built-in problems ({@link Examples}) written as problem-file JSON, so that the form
 * shows them field by field and a run of one goes through the same file format as everything else.
 */
final class BuiltInProblems {
    private BuiltInProblems() {}

    /** The problem file of built-in {@code name}, e.g. "poisson-square". */
    static ObjectNode json(String name) {
        ProblemSpec spec =
                Examples.spec(name)
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "no built-in problem '" + name + "'"));
        return json(spec);
    }

    /** A problem file for a spec whose fields are formulas or constants (the library's writer). */
    static ObjectNode json(ProblemSpec spec) {
        return ProblemFile.toJson(spec);
    }
}
