package org.implicitlayers.implicit.convex;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Minimise a convex (or maximise a concave) scalar objective subject to constraints. Building a
 * problem checks it by the disciplined convex programming rules and throws a {@link DcpException}
 * naming the first offending term; {@link ConvexLayer#of} then compiles it once into a cone
 * program.
 */
public final class Problem {
    /** Direction of optimisation. */
    public enum Sense {
        MINIMIZE,
        MAXIMIZE
    }

    private final Sense sense;
    private final Expr objective;
    private final List<Constraint> constraints;
    private final List<Variable> variables;
    private final List<Parameter> parameters;

    private Problem(Sense sense, Expr objective, List<Constraint> constraints) {
        if (objective == null
                || constraints == null
                || constraints.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException(
                    "Problem: an objective and non-null constraints required");
        }
        if (objective.size() != 1) {
            throw new IllegalArgumentException(
                    "Problem: the objective must be a scalar, "
                            + objective
                            + " has size "
                            + objective.size()
                            + " (sum it, or take a norm)");
        }
        this.sense = sense;
        this.objective = objective;
        this.constraints = List.copyOf(constraints);
        check();
        Set<Variable> vs = new LinkedHashSet<>();
        Set<Parameter> ps = new LinkedHashSet<>();
        collect(objective, vs, ps);
        for (Constraint c : this.constraints) {
            collect(c.lhs, vs, ps);
            collect(c.rhs, vs, ps);
        }
        this.variables = List.copyOf(vs);
        this.parameters = List.copyOf(ps);
    }

    public static Problem minimize(Expr objective, Constraint... constraints) {
        return new Problem(Sense.MINIMIZE, objective, List.of(constraints));
    }

    public static Problem minimize(Expr objective, List<Constraint> constraints) {
        return new Problem(Sense.MINIMIZE, objective, constraints);
    }

    public static Problem maximize(Expr objective, Constraint... constraints) {
        return new Problem(Sense.MAXIMIZE, objective, List.of(constraints));
    }

    public static Problem maximize(Expr objective, List<Constraint> constraints) {
        return new Problem(Sense.MAXIMIZE, objective, constraints);
    }

    public Sense sense() {
        return sense;
    }

    public Expr objective() {
        return objective;
    }

    public List<Constraint> constraints() {
        return constraints;
    }

    /** The variables, in order of first appearance (objective, then constraints). */
    public List<Variable> variables() {
        return variables;
    }

    /** The parameters, in order of first appearance. */
    public List<Parameter> parameters() {
        return parameters;
    }

    private static void collect(Expr e, Set<Variable> vs, Set<Parameter> ps) {
        if (e instanceof Variable v) {
            vs.add(v);
        } else if (e instanceof Parameter p) {
            ps.add(p);
        } else {
            if (e instanceof Expr.ParamScale s) {
                ps.add(s.p);
            } else if (e instanceof Expr.ParamMatMul m) {
                ps.add(m.p);
            }
            for (Expr a : e.args()) {
                collect(a, vs, ps);
            }
        }
    }

    /** The deepest sub-expression that breaks the rules, with the reason; null if none. */
    private static String violation(Expr e) {
        for (Expr a : e.args()) {
            String v = violation(a);
            if (v != null) {
                return v;
            }
        }
        String r = e.dcpReason();
        return r == null ? null : "the term " + e + " is not DCP: " + r;
    }

    private void check() {
        String v = violation(objective);
        if (v != null) {
            throw new DcpException("Problem is not DCP: in the objective, " + v);
        }
        if (sense == Sense.MINIMIZE && !objective.isConvex()) {
            throw new DcpException(
                    "Problem is not DCP: minimise needs a convex objective, but "
                            + objective
                            + " is "
                            + objective.curvature());
        }
        if (sense == Sense.MAXIMIZE && !objective.isConcave()) {
            throw new DcpException(
                    "Problem is not DCP: maximise needs a concave objective, but "
                            + objective
                            + " is "
                            + objective.curvature());
        }
        for (int i = 0; i < constraints.size(); i++) {
            Constraint c = constraints.get(i);
            String where = "constraint " + i + " (" + c + ")";
            for (Expr side : List.of(c.lhs, c.rhs)) {
                String sv = violation(side);
                if (sv != null) {
                    throw new DcpException("Problem is not DCP: in " + where + ", " + sv);
                }
            }
            switch (c.kind) {
                case EQ -> {
                    for (Expr side : List.of(c.lhs, c.rhs)) {
                        if (!side.isAffine()) {
                            throw new DcpException(
                                    "Problem is not DCP: "
                                            + where
                                            + " is an equality, whose sides must be affine, but "
                                            + side
                                            + " is "
                                            + side.curvature());
                        }
                    }
                }
                case LE -> {
                    if (!c.lhs.isConvex()) {
                        throw new DcpException(
                                "Problem is not DCP: "
                                        + where
                                        + " needs a convex left side of <=, but "
                                        + c.lhs
                                        + " is "
                                        + c.lhs.curvature());
                    }
                    if (!c.rhs.isConcave()) {
                        throw new DcpException(
                                "Problem is not DCP: "
                                        + where
                                        + " needs a concave right side of <=, but "
                                        + c.rhs
                                        + " is "
                                        + c.rhs.curvature());
                    }
                }
                case SOC -> {
                    for (Expr side : List.of(c.lhs, c.rhs)) {
                        if (!side.isAffine()) {
                            throw new DcpException(
                                    "Problem is not DCP: "
                                            + where
                                            + " is a second-order cone, whose t and x must be affine, but "
                                            + side
                                            + " is "
                                            + side.curvature());
                        }
                    }
                }
            }
        }
    }

    /**
     * Canonicalises into a cone program; parameter values will be read in the order of {@code
     * order}.
     */
    ConeProgram compile(List<Parameter> order) {
        Map<Variable, Integer> vo = new IdentityHashMap<>();
        int n0 = 0;
        for (Variable v : variables) {
            vo.put(v, n0);
            n0 += v.size();
        }
        Map<Parameter, Integer> po = new IdentityHashMap<>();
        int np = 0;
        for (Parameter p : order) {
            po.put(p, np);
            np += p.numel();
        }
        Canon canon = new Canon(vo, n0, po);
        Affine obj = (sense == Sense.MINIMIZE ? objective : objective.neg()).canon(canon);
        // Where each user constraint's block went: (cone list, index in it).
        int[][] where = new int[constraints.size()][];
        for (int i = 0; i < constraints.size(); i++) {
            Constraint c = constraints.get(i);
            int n = c.size();
            switch (c.kind) {
                case EQ -> {
                    canon.zero(c.lhs.minus(c.rhs).canon(canon).broadcast(n));
                    where[i] = new int[] {0, canon.zero.size() - 1};
                }
                case LE -> {
                    canon.nonneg(c.rhs.minus(c.lhs).canon(canon).broadcast(n));
                    where[i] = new int[] {1, canon.nonneg.size() - 1};
                }
                case SOC -> {
                    canon.soc(c.lhs.canon(canon), c.rhs.canon(canon));
                    where[i] = new int[] {2, canon.soc.size() - 1};
                }
            }
        }
        Map<Variable, Integer> outVars = Collections.unmodifiableMap(vo);
        return ConeProgram.build(canon, obj, where, outVars, po, np, sense == Sense.MAXIMIZE);
    }

    @Override
    public String toString() {
        List<String> cs = new ArrayList<>();
        for (Constraint c : constraints) {
            cs.add(c.toString());
        }
        return (sense == Sense.MINIMIZE ? "minimize " : "maximize ")
                + objective
                + (cs.isEmpty() ? "" : " subject to " + String.join(", ", cs));
    }
}
