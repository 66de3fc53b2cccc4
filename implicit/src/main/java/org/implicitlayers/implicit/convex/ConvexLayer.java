package org.implicitlayers.implicit.convex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.implicitlayers.core.CustomFunction;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Tensor;

/**
 * A convex problem as a differentiable layer (cvxpylayers, Agrawal et al. 2019): parameter values
 * in, optimal variable values out, gradients with respect to every parameter.
 *
 * <p>The problem is compiled once into a cone program whose data are affine in the parameters
 * ({@link Problem}); each call evaluates the data of every sample, solves the samples in parallel
 * with {@link ConeSolver}, and records one node on the tape whose backward rule is the implicit
 * function theorem on the cone program's optimality conditions ({@code ConeDerivative}), mapped
 * back through the affine parameter-to-data map. Nothing of the solver's iterations is recorded.
 *
 * <pre>{@code
 * Variable p = new Variable("p", n);
 * Parameter z = new Parameter("z", n);
 * ConvexLayer sparsemax = ConvexLayer.of(Problem.minimize(Expr.sumSquares(p.minus(z)), p.ge(0), p.sum().eq(1)));
 * Tensor probs = sparsemax.solve(scores).value(p);     // scores [B, n] -> probs [B, n]
 * }</pre>
 *
 * <p>Values are given per parameter with the parameter's shape, or with a leading batch axis [B,
 * ...shape]; all batched values share B, and an unbatched value is shared by the batch (its
 * gradient sums over it). Outputs carry the batch axis when any input does. Computation is in
 * float64; outputs take the dtype of the first parameter value. The backward rule is first order.
 */
public final class ConvexLayer {
    /** What to do with a sample whose status is not OPTIMAL. */
    public enum OnFailure {
        /**
         * Throw {@link SolveFailedException} naming the samples and their statuses (the default).
         */
        RAISE,
        /**
         * Return NaN for the sample's values (and zero gradient); {@link Result#status} tells
         * which.
         */
        NAN
    }

    /**
     * @param solver options of the interior-point method; default {@link
     *     ConeSolver.Options#defaults()}
     * @param onFailure default {@link OnFailure#RAISE}
     */
    public record Options(ConeSolver.Options solver, OnFailure onFailure) {
        public Options {
            if (solver == null || onFailure == null) {
                throw new IllegalArgumentException(
                        "ConvexLayer.Options: solver options and a failure policy required");
            }
        }

        public static Options defaults() {
            return new Options(ConeSolver.Options.defaults(), OnFailure.RAISE);
        }

        public Options withSolver(ConeSolver.Options s) {
            return new Options(s, onFailure);
        }

        public Options withOnFailure(OnFailure f) {
            return new Options(solver, f);
        }
    }

    /** A sample of the batch was infeasible, unbounded or not solved to tolerance. */
    public static final class SolveFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient List<ConeSolver.Status> statuses;

        SolveFailedException(String message, List<ConeSolver.Status> statuses) {
            super(message);
            this.statuses = statuses;
        }

        /** The status of every sample. */
        public List<ConeSolver.Status> statuses() {
            return statuses;
        }
    }

    private final Problem problem;
    private final List<Parameter> parameters;
    private final List<Variable> outputs;
    private final ConeProgram program;
    private final Options options;

    private ConvexLayer(
            Problem problem, List<Parameter> parameters, List<Variable> outputs, Options options) {
        this.problem = problem;
        this.parameters = List.copyOf(parameters);
        this.outputs = List.copyOf(outputs);
        this.options = options;
        Map<Parameter, Boolean> seen = new IdentityHashMap<>();
        for (Parameter p : parameters) {
            if (seen.put(p, true) != null) {
                throw new IllegalArgumentException(
                        "ConvexLayer: parameter " + p.name() + " listed twice");
            }
        }
        for (Parameter p : problem.parameters()) {
            if (!seen.containsKey(p)) {
                throw new IllegalArgumentException(
                        "ConvexLayer: the problem uses parameter "
                                + p.name()
                                + ", which is not in the list "
                                + names(parameters));
            }
        }
        for (Variable v : outputs) {
            if (!problem.variables().contains(v)) {
                throw new IllegalArgumentException(
                        "ConvexLayer: output "
                                + v.name()
                                + " is not a variable of the problem "
                                + problem);
            }
        }
        this.program = problem.compile(parameters);
    }

    /** A layer over all parameters and variables of the problem, in order of first appearance. */
    public static ConvexLayer of(Problem problem) {
        return new ConvexLayer(
                problem, problem.parameters(), problem.variables(), Options.defaults());
    }

    /**
     * A layer taking the given parameters (in this order; all of the problem's) and returning the
     * given variables.
     */
    public static ConvexLayer of(
            Problem problem, List<Parameter> parameters, List<Variable> outputs, Options options) {
        return new ConvexLayer(problem, parameters, outputs, options);
    }

    /** With other options, same compiled problem. */
    public ConvexLayer withOptions(Options o) {
        return new ConvexLayer(problem, parameters, outputs, o);
    }

    public Problem problem() {
        return problem;
    }

    public List<Parameter> parameters() {
        return parameters;
    }

    /**
     * Size of the compiled cone program: {variables, rows, zero rows, nonnegative rows,
     * second-order cones}.
     */
    public int[] coneProgramSize() {
        return new int[] {program.n, program.m, program.zero, program.nonneg, program.soc.length};
    }

    private static String names(List<Parameter> ps) {
        List<String> s = new ArrayList<>();
        for (Parameter p : ps) {
            s.add(p.name());
        }
        return s.toString();
    }

    /**
     * The solution of every sample.
     *
     * @param status per sample
     * @param objective the optimal objective value per sample (in the problem's own sense)
     */
    public record Result(
            Map<Variable, Tensor> values,
            Map<Constraint, double[][]> duals,
            List<ConeSolver.Status> status,
            double[] objective,
            int iterations,
            boolean batched) {
        /**
         * The optimal value of an output variable: [B, size], or [size] when no input was batched;
         * on the tape.
         */
        public Tensor value(Variable v) {
            Tensor t = values.get(v);
            if (t == null) {
                throw new IllegalArgumentException(
                        "ConvexLayer: " + v.name() + " is not an output of this layer");
            }
            return t;
        }

        /**
         * The dual value of a constraint of the problem, [B][constraint size] (not differentiated),
         * with the convention of CVXPY: the Lagrangian of a minimisation is f + sum lambda'(lhs -
         * rhs) over inequalities lhs &lt;= rhs (lambda &gt;= 0) and equalities; for a cone
         * constraint, the dual vector in the cone.
         */
        public double[][] dual(Constraint c) {
            double[][] d = duals.get(c);
            if (d == null) {
                throw new IllegalArgumentException(
                        "ConvexLayer: " + c + " is not a constraint of this problem");
            }
            return d;
        }

        public ConeSolver.Status status(int sample) {
            return status.get(sample);
        }
    }

    /** Solves for parameter values given in the layer's parameter order. */
    public Result solve(Tensor... values) {
        if (values.length != parameters.size()) {
            throw new IllegalArgumentException(
                    "ConvexLayer: "
                            + parameters.size()
                            + " parameter values expected "
                            + names(parameters)
                            + ", got "
                            + values.length);
        }
        Map<Parameter, Tensor> m = new IdentityHashMap<>();
        for (int i = 0; i < values.length; i++) {
            m.put(parameters.get(i), values[i]);
        }
        return solve(m);
    }

    /** Solves for the given parameter values. */
    public Result solve(Map<Parameter, Tensor> values) {
        int np = parameters.size();
        Tensor[] in = new Tensor[np];
        boolean[] batchedIn = new boolean[np];
        int batch = -1;
        for (int i = 0; i < np; i++) {
            Parameter p = parameters.get(i);
            Tensor t = values.get(p);
            if (t == null) {
                throw new IllegalArgumentException(
                        "ConvexLayer: no value given for parameter " + p.name());
            }
            int[] shape = p.shape(), ts = t.shape();
            if (Arrays.equals(ts, shape)) {
                batchedIn[i] = false;
            } else if (ts.length == shape.length + 1
                    && Arrays.equals(Arrays.copyOfRange(ts, 1, ts.length), shape)) {
                batchedIn[i] = true;
                if (batch >= 0 && batch != ts[0]) {
                    throw new IllegalArgumentException(
                            "ConvexLayer: parameter "
                                    + p.name()
                                    + " has batch size "
                                    + ts[0]
                                    + ", an earlier one "
                                    + batch);
                }
                batch = ts[0];
            } else {
                throw new IllegalArgumentException(
                        "ConvexLayer: parameter "
                                + p.name()
                                + " must have shape "
                                + Arrays.toString(shape)
                                + " or [B, "
                                + Arrays.toString(shape).substring(1)
                                + ", got "
                                + Arrays.toString(ts));
            }
            in[i] = t;
        }
        for (Tensor t : values.values()) {
            if (Arrays.stream(in).noneMatch(x -> x == t)) {
                throw new IllegalArgumentException(
                        "ConvexLayer: a value was given for a parameter that is not one of "
                                + names(parameters));
            }
        }
        boolean batched = batch >= 0;
        int bsz = batched ? batch : 1;
        if (bsz == 0) {
            throw new IllegalArgumentException("ConvexLayer: empty batch");
        }
        DType dtype = np > 0 ? in[0].dtype() : DType.FLOAT64;
        // theta per sample, in float64.
        double[][] theta = new double[bsz][program.parameterCount];
        for (int i = 0; i < np; i++) {
            Parameter p = parameters.get(i);
            double[] v = in[i].toDoubleArray();
            int off = program.parameterOffsets.get(p), len = p.numel();
            for (int s = 0; s < bsz; s++) {
                int from = batchedIn[i] ? s * len : 0;
                for (int j = 0; j < len; j++) {
                    double x = v[from + j];
                    if (!Double.isFinite(x)) {
                        throw new IllegalArgumentException(
                                "ConvexLayer: parameter "
                                        + p.name()
                                        + " has a non-finite value "
                                        + x
                                        + (batched ? " in sample " + s : ""));
                    }
                    if (p.isNonneg() && x < 0) {
                        throw new IllegalArgumentException(
                                "ConvexLayer: parameter "
                                        + p.name()
                                        + " is declared nonnegative but has value "
                                        + x
                                        + (batched ? " in sample " + s : ""));
                    }
                    theta[s][off + j] = x;
                }
            }
        }
        Solved solved = new Solved(bsz, theta);
        int outSize = outputs.stream().mapToInt(Variable::size).sum();
        Tensor joined =
                new CustomFunction("convex-layer") {
                    @Override
                    protected Tensor forward(Tensor[] inputs) {
                        IntStream.range(0, bsz).parallel().forEach(solved::solve);
                        double[] out = new double[bsz * outSize];
                        for (int s = 0; s < bsz; s++) {
                            int at = s * outSize;
                            for (Variable v : outputs) {
                                int off = program.variableOffsets.get(v);
                                for (int j = 0; j < v.size(); j++) {
                                    out[at++] =
                                            solved.ok(s) ? solved.sol[s].x()[off + j] : Double.NaN;
                                }
                            }
                        }
                        return Tensor.of(DType.FLOAT64, out, bsz, outSize)
                                .to(dtype)
                                .to(
                                        in.length > 0
                                                ? in[0].backend()
                                                : Tensor.zeros(DType.FLOAT64, 1).backend());
                    }

                    @Override
                    protected Tensor[] backward(
                            Tensor g, Tensor out, Tensor[] inputs, boolean[] needs) {
                        double[] gv = g.toDoubleArray();
                        double[][] gTheta = new double[bsz][];
                        IntStream.range(0, bsz)
                                .parallel()
                                .forEach(
                                        s -> {
                                            if (!solved.ok(s)) {
                                                gTheta[s] = new double[program.parameterCount];
                                                return;
                                            }
                                            double[] gx = new double[program.n];
                                            int at = s * outSize;
                                            for (Variable v : outputs) {
                                                int off = program.variableOffsets.get(v);
                                                for (int j = 0; j < v.size(); j++) {
                                                    gx[off + j] += gv[at++];
                                                }
                                            }
                                            gTheta[s] = solved.backward(s, gx);
                                        });
                        Tensor[] grads = new Tensor[np];
                        for (int i = 0; i < np; i++) {
                            if (!needs[i]) {
                                continue;
                            }
                            Parameter p = parameters.get(i);
                            int off = program.parameterOffsets.get(p), len = p.numel();
                            double[] gi = new double[batchedIn[i] ? bsz * len : len];
                            for (int s = 0; s < bsz; s++) {
                                int base = batchedIn[i] ? s * len : 0;
                                for (int j = 0; j < len; j++) {
                                    gi[base + j] += gTheta[s][off + j];
                                }
                            }
                            grads[i] =
                                    Tensor.of(DType.FLOAT64, gi, inputs[i].shape())
                                            .to(inputs[i].dtype())
                                            .to(inputs[i].backend());
                        }
                        return grads;
                    }
                }.apply(in);
        List<ConeSolver.Status> status = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        double[] objective = new double[bsz];
        int iterations = 0;
        for (int s = 0; s < bsz; s++) {
            ConeSolver.Solution sol = solved.sol[s];
            status.add(sol.status());
            iterations = Math.max(iterations, sol.iterations());
            if (sol.status() != ConeSolver.Status.OPTIMAL) {
                objective[s] = Double.NaN;
                failed.add((batched ? "sample " + s + ": " : "") + describe(sol));
            } else {
                double val = ConeSolver.dot(solved.data[s].c(), sol.x()) + solved.data[s].d();
                objective[s] = program.negated ? -val : val;
            }
        }
        if (!failed.isEmpty() && options.onFailure() == OnFailure.RAISE) {
            throw new SolveFailedException(
                    "ConvexLayer: "
                            + problem
                            + ": "
                            + String.join("; ", failed.subList(0, Math.min(5, failed.size())))
                            + (failed.size() > 5 ? "; and " + (failed.size() - 5) + " more" : ""),
                    status);
        }
        Map<Variable, Tensor> vals = new IdentityHashMap<>();
        int at = 0;
        for (Variable v : outputs) {
            Tensor t = joined.slice(1, at, at + v.size());
            vals.put(v, batched ? t : t.reshape(v.size()));
            at += v.size();
        }
        Map<Constraint, double[][]> duals = new IdentityHashMap<>();
        List<Constraint> cs = problem.constraints();
        for (int i = 0; i < cs.size(); i++) {
            int r0 = program.constraintRows[i][0], len = program.constraintRows[i][1];
            double[][] dv = new double[bsz][];
            // The cone program's y multiplies -(lhs - rhs) for an equality; the Lagrangian
            // convention f + nu'(lhs - rhs) wants -y.
            double sign = cs.get(i).kind == Constraint.Kind.EQ ? -1 : 1;
            for (int s = 0; s < bsz; s++) {
                dv[s] =
                        solved.ok(s)
                                ? ConeSolver.scale(
                                        Arrays.copyOfRange(solved.sol[s].y(), r0, r0 + len), sign)
                                : filledNaN(len);
            }
            duals.put(cs.get(i), dv);
        }
        return new Result(vals, duals, List.copyOf(status), objective, iterations, batched);
    }

    private static double[] filledNaN(int n) {
        double[] d = new double[n];
        Arrays.fill(d, Double.NaN);
        return d;
    }

    private static String describe(ConeSolver.Solution s) {
        return switch (s.status()) {
            case INFEASIBLE -> "infeasible (a certificate of primal infeasibility was found)";
            case UNBOUNDED -> "unbounded (a feasible direction of unbounded descent was found)";
            case NOT_CONVERGED ->
                    "not solved to tolerance in "
                            + s.iterations()
                            + " iterations (residual "
                            + s.residual()
                            + ")";
            default -> "optimal";
        };
    }

    /** Per-sample data and solutions, kept for the backward pass. */
    private final class Solved {
        final double[][] theta;
        final ConeProgram.Data[] data;
        final ConeSolver.Solution[] sol;

        Solved(int batch, double[][] theta) {
            this.theta = theta;
            this.data = new ConeProgram.Data[batch];
            this.sol = new ConeSolver.Solution[batch];
        }

        void solve(int s) {
            data[s] = program.evaluate(theta[s]);
            sol[s] =
                    ConeSolver.solve(
                            data[s].a(),
                            data[s].b(),
                            data[s].c(),
                            program.n,
                            program.cones(),
                            options.solver());
        }

        boolean ok(int s) {
            return sol[s].status() == ConeSolver.Status.OPTIMAL;
        }

        double[] backward(int s, double[] gx) {
            ConeProgram.Data d = data[s];
            ConeSolver.Solution x = sol[s];
            ConeDerivative.Gradients g =
                    ConeDerivative.adjoint(
                            d.a(), program.n, program.cones(), x.x(), x.y(), x.s(), gx, null, null);
            return program.backward(g.a(), g.b(), g.c());
        }
    }
}
