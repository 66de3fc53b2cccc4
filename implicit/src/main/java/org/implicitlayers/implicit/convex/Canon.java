package org.implicitlayers.implicit.convex;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The state of canonicalisation: variable and parameter positions, new epigraph variables, and the
 * cones collected so far.
 */
final class Canon {
    private final Map<Variable, Integer> variables;
    private final Map<Parameter, Integer> parameters;
    int variableCount;

    /** Blocks that must be zero, nonnegative, or in a second-order cone (first entry t). */
    final List<Affine> zero = new ArrayList<>(),
            nonneg = new ArrayList<>(),
            soc = new ArrayList<>();

    Canon(Map<Variable, Integer> variables, int variableCount, Map<Parameter, Integer> parameters) {
        this.variables = variables;
        this.variableCount = variableCount;
        this.parameters = parameters;
    }

    int offset(Variable v) {
        Integer o = variables.get(v);
        if (o == null) {
            throw new IllegalStateException("variable " + v.name() + " was not registered");
        }
        return o;
    }

    int offset(Parameter p) {
        Integer o = parameters.get(p);
        if (o == null) {
            throw new IllegalStateException("parameter " + p.name() + " was not registered");
        }
        return o;
    }

    Affine newVariables(int k) {
        Affine a = Affine.variable(variableCount, k);
        variableCount += k;
        return a;
    }

    void zero(Affine a) {
        zero.add(a);
    }

    /** a &gt;= 0. */
    void nonneg(Affine a) {
        nonneg.add(a);
    }

    /** ||x|| &lt;= t. */
    void soc(Affine t, Affine x) {
        soc.add(Affine.concat(t, x));
    }
}
