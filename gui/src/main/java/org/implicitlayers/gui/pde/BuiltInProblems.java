package org.implicitlayers.gui.pde;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.ritz.Examples;
import org.implicitlayers.ritz.ProblemSpec;
import org.implicitlayers.ritz.RitzOptions;
import org.implicitlayers.ritz.domain.Ball;
import org.implicitlayers.ritz.domain.Box;
import org.implicitlayers.ritz.domain.Domain;
import org.implicitlayers.ritz.domain.Polygon;
import org.implicitlayers.ritz.domain.SlitDisk;
import org.implicitlayers.ritz.problem.BoundaryCondition;
import org.implicitlayers.ritz.problem.EigenProblem;
import org.implicitlayers.ritz.problem.Expression;
import org.implicitlayers.ritz.problem.PoissonProblem;
import org.implicitlayers.ritz.problem.ScalarField;

/**
 * The library's built-in problems ({@link Examples}) written as problem-file JSON, so that the
 * form shows them field by field and a run of one goes through the same file format as
 * everything else.
 */
final class BuiltInProblems {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BuiltInProblems() {
    }

    /** The problem file of built-in {@code name}, e.g. "poisson-square". */
    static ObjectNode json(String name) {
        ProblemSpec spec = Examples.spec(name).orElseThrow(() -> new IllegalArgumentException("no built-in problem '" + name + "'"));
        return json(spec);
    }

    /** A problem file for a spec whose fields are formulas or constants. */
    static ObjectNode json(ProblemSpec spec) {
        ObjectNode root = JSON.createObjectNode();
        root.put("name", spec.name());
        Domain d = spec.problem().domain();
        root.set("domain", domain(d));
        if (spec.problem() instanceof EigenProblem e) {
            root.put("eigen", true);
            if (Double.isFinite(e.exactEigenvalue())) {
                root.put("exact_eigenvalue", e.exactEigenvalue());
            }
        } else if (spec.problem() instanceof PoissonProblem p) {
            ObjectNode pde = root.putObject("pde");
            if (p.a() != null) {
                pde.put("a", formula(p.a(), d.dim()));
            }
            if (p.c() != null) {
                pde.put("c", formula(p.c(), d.dim()));
            }
            pde.put("f", formula(p.f(), d.dim()));
            ArrayNode bcs = root.putArray("boundary");
            for (BoundaryCondition bc : p.boundary()) {
                ObjectNode b = bcs.addObject();
                b.put("type", bc.type().name().toLowerCase());
                if (bc.alpha() != null) {
                    b.put("alpha", formula(bc.alpha(), d.dim()));
                }
                b.put("g", formula(bc.g(), d.dim()));
                if (bc.where() != null) {
                    b.put("where", formula(bc.where(), d.dim()));
                }
            }
            if (p.exact() != null) {
                root.put("exact", formula(p.exact(), d.dim()));
            }
        }
        options(root, spec.options());
        return root;
    }

    /** Writes the option groups of {@code o} into a problem-file object. */
    static void options(ObjectNode root, RitzOptions o) {
        root.put("method", o.method().toString());
        root.put("bc", o.boundary().treatment().toString());
        root.put("penalty", o.boundary().penalty());
        ObjectNode n = root.putObject("network");
        n.put("type", o.network().type().toString());
        n.put("width", o.network().width());
        n.put("depth", o.network().depth());
        n.put("activation", o.network().activation());
        ObjectNode op = root.putObject("optimizer");
        op.put("name", o.optimizer().kind().toString());
        op.put("steps", o.optimizer().steps());
        op.put("lr", o.optimizer().lr());
        op.put("lr_decay", o.optimizer().lrDecay());
        op.put("lbfgs", o.optimizer().lbfgs());
        ObjectNode s = root.putObject("sampling");
        s.put("interior", o.sampling().interior());
        s.put("boundary", o.sampling().boundary());
        s.put("method", o.sampling().method().toString());
        s.put("resample", o.sampling().resample());
        if (o.sampling().rarEvery() > 0) {
            s.put("rar_every", o.sampling().rarEvery());
            s.put("rar_points", o.sampling().rarPoints());
        }
        root.put("eval_every", o.run().evalEvery());
        root.put("seed", o.run().seed());
        root.put("dtype", o.run().dtype() == DType.FLOAT64 ? "float64" : "float32");
    }

    private static ObjectNode domain(Domain d) {
        ObjectNode n = JSON.createObjectNode();
        if (d instanceof Box) {
            n.put("type", "box");
            vector(n.putArray("lo"), d.lower());
            vector(n.putArray("hi"), d.upper());
        } else if (d instanceof Ball b) {
            n.put("type", "ball");
            vector(n.putArray("center"), b.center());
            n.put("radius", b.radius());
        } else if (d instanceof SlitDisk) {
            n.put("type", "slit-disk");
        } else if (d instanceof Polygon && isLShape(d)) {
            n.put("type", "l-shape");
        } else {
            throw new IllegalArgumentException("the domain '" + d + "' has no problem-file form");
        }
        return n;
    }

    private static boolean isLShape(Domain d) {
        Domain l = Polygon.lShape();
        return Arrays.equals(d.lower(), l.lower()) && Arrays.equals(d.upper(), l.upper()) && Math.abs(d.measure() - l.measure()) < 1e-12;
    }

    private static void vector(ArrayNode a, double[] v) {
        for (double x : v) {
            a.add(x);
        }
    }

    /**
     * The source of a formula field, or the value of a constant one (found by evaluating it at a
     * few points; a field that is neither cannot be written to a file).
     */
    static String formula(ScalarField f, int dim) {
        String s = f.toString();
        try {
            Expression.parse(s, dim);
            return s;
        } catch (IllegalArgumentException notAFormula) {
            double[] pts = new double[3 * dim];
            for (int i = 0; i < pts.length; i++) {
                pts[i] = 0.1 + 0.37 * i;
            }
            double[] v;
            try (Grad.Scope g = Grad.noGrad()) {
                v = f.at(Tensor.of(DType.FLOAT64, pts, 3, dim)).toDoubleArray();
            }
            if (v[0] == v[1] && v[1] == v[2]) {
                return v[0] == Math.rint(v[0]) && Math.abs(v[0]) < 1e15 ? Long.toString((long) v[0]) : Double.toString(v[0]);
            }
            throw new IllegalArgumentException("a field of a built-in problem is neither a formula nor a constant", notAFormula);
        }
    }
}
