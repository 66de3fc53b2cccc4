package org.implicitlayers.ritz;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.ritz.domain.Ball;
import org.implicitlayers.ritz.domain.Box;
import org.implicitlayers.ritz.domain.Csg;
import org.implicitlayers.ritz.domain.Domain;
import org.implicitlayers.ritz.domain.Polygon;
import org.implicitlayers.ritz.domain.SlitDisk;
import org.implicitlayers.ritz.problem.BoundaryCondition;
import org.implicitlayers.ritz.problem.EigenProblem;
import org.implicitlayers.ritz.problem.PoissonProblem;
import org.implicitlayers.ritz.problem.ScalarField;
import org.implicitlayers.ritz.sampling.PointSource;

/**
 * Problem files in JSON. Every error names the file, the field (as a path such as {@code
 * boundary[1].g}) and what was expected; JSON syntax errors give line and column; formula errors
 * give the position in the formula.
 *
 * <pre>{@code
 * {
 *   "name": "poisson-disk",
 *   "domain": {"type": "ball", "center": [0, 0], "radius": 1},
 *   "pde": {"a": "1", "c": "0", "f": "4"},
 *   "boundary": [{"type": "dirichlet", "g": "0"}],
 *   "exact": "1 - x^2 - y^2",
 *   "method": "ritz", "bc": "penalty", "penalty": 500,
 *   "network": {"type": "resnet", "width": 32, "depth": 3, "activation": "tanh", "corners": false},
 *   "optimizer": {"name": "adam", "steps": 5000, "lr": 0.001, "lr_decay": 1.0, "lbfgs": 0},
 *   "sampling": {"interior": 1024, "boundary": 256, "method": "uniform", "resample": true, "rar_every": 0, "rar_points": 64},
 *   "eval_every": 250, "seed": 0, "dtype": "float32"
 * }
 * }</pre>
 *
 * Domains: box (lo, hi), interval (a, b), ball (center, radius), polygon (vertices), annulus (r1,
 * r2), l-shape, slit-disk, and union / intersection / difference (of: [domain, domain]). Boundary
 * conditions: dirichlet (g), neumann (g: a du/dn), robin (alpha, g), each with an optional "where"
 * formula selecting the part of the boundary where it is positive. An eigenproblem has {"eigen":
 * true} (and optionally "exact_eigenvalue") instead of pde and boundary. With {@code "optimizer":
 * {"name": "engd"}} (energy natural gradient descent; optional "damping", default 1e-10) every
 * absent setting takes its value from {@link RitzOptions#engd()} instead of {@link
 * RitzOptions#defaults()}: method pinn, an MLP 20 x 2, Sobol points, 1000 steps, float64. Without
 * "bc", a problem whose conditions are all Dirichlet (whole or in pieces) is solved with the exact
 * ansatz under Adam (with ENGD, whose PINN loss needs the Laplacian of the distance function, with
 * the penalty).
 */
public final class ProblemFile {
    /** The name a problem without a "name" field gets (from its file's name). */
    private final String defaultName;

    private ProblemFile(String defaultName) {
        this.defaultName = defaultName;
    }

    private static final ObjectMapper MAPPER =
            new ObjectMapper()
                    .enable(JsonParser.Feature.ALLOW_COMMENTS)
                    .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /**
     * Reads a problem file; every error is an {@link IOException} whose message starts with the
     * file.
     */
    public static ProblemSpec load(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such problem file");
        } catch (java.nio.charset.MalformedInputException e) {
            throw new IOException(file + ": not UTF-8 text (expected a JSON problem file)", e);
        } catch (IOException e) {
            throw new IOException(
                    file
                            + ": cannot read the problem file: "
                            + org.implicitlayers.core.io.AtomicFiles.reason(e),
                    e);
        }
        try {
            return read(
                    text,
                    file.toString(),
                    file.getFileName().toString().replaceFirst("\\.json$", ""));
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * Reads a problem from JSON text in memory (a form, a sweep's run, a test). Errors are {@link
     * IllegalArgumentException}s whose message starts with {@code origin} (what the user knows the
     * text as: a file name, "the form"; null for none), then the field and what was expected, or
     * the line and column of a syntax error.
     */
    public static ProblemSpec read(String text, String origin) {
        return read(text, origin, null);
    }

    private static ProblemSpec read(String text, String origin, String defaultName) {
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(prefix(origin) + JsonSyntax.describe(e), e);
        }
        return read(root, origin, defaultName);
    }

    /** Reads a problem from parsed JSON, as {@link #read(String, String)}. */
    public static ProblemSpec read(JsonNode root, String origin) {
        return read(root, origin, null);
    }

    private static ProblemSpec read(JsonNode root, String origin, String defaultName) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(
                    prefix(origin) + "expected a JSON object at the top level");
        }
        try {
            return new ProblemFile(defaultName == null ? "problem" : sanitised(defaultName))
                    .parse(root);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix(origin) + e.getMessage(), e);
        }
    }

    /**
     * The field names of a problem file, defined once: the reader and the writer here, the
     * workbench's form and the command line use these (a sweep's paths are the user's, in the same
     * names). Nested fields are named by their group: {@code NETWORK_WIDTH} is {@code "width"} in
     * {@code "network"}.
     */
    public static final class Keys {
        public static final String NAME = "name",
                DESCRIPTION = "description",
                DOMAIN = "domain",
                PDE = "pde",
                BOUNDARY = "boundary",
                EXACT = "exact",
                EIGEN = "eigen",
                EXACT_EIGENVALUE = "exact_eigenvalue";

        /** In "pde": the coefficients of -div(a grad u) + c u = f. */
        public static final String PDE_A = "a", PDE_C = "c", PDE_F = "f";

        /** In each "boundary" condition. */
        public static final String BC_TYPE = "type",
                BC_G = "g",
                BC_ALPHA = "alpha",
                BC_WHERE = "where";

        /** The names a boundary condition's "type" takes. */
        public static final String BC_DIRICHLET = "dirichlet",
                BC_NEUMANN = "neumann",
                BC_ROBIN = "robin";

        /**
         * In "domain": its "type" field and the names that field takes ("disk" is another name for
         * "ball").
         */
        public static final String DOMAIN_TYPE = "type",
                DOMAIN_BOX = "box",
                DOMAIN_INTERVAL = "interval",
                DOMAIN_BALL = "ball",
                DOMAIN_DISK = "disk",
                DOMAIN_POLYGON = "polygon",
                DOMAIN_ANNULUS = "annulus",
                DOMAIN_L_SHAPE = "l-shape",
                DOMAIN_SLIT_DISK = "slit-disk",
                DOMAIN_UNION = "union",
                DOMAIN_INTERSECTION = "intersection",
                DOMAIN_DIFFERENCE = "difference";

        /**
         * In "domain": the fields of its types (box: lo, hi; interval: a, b; ball: center, radius;
         * polygon: vertices; annulus: r1, r2; CSG: of).
         */
        public static final String DOMAIN_LO = "lo",
                DOMAIN_HI = "hi",
                DOMAIN_A = "a",
                DOMAIN_B = "b",
                DOMAIN_CENTER = "center",
                DOMAIN_RADIUS = "radius",
                DOMAIN_VERTICES = "vertices",
                DOMAIN_R1 = "r1",
                DOMAIN_R2 = "r2",
                DOMAIN_OF = "of";

        public static final String METHOD = "method",
                BC = "bc",
                PENALTY = "penalty",
                EVAL_EVERY = "eval_every",
                SEED = "seed",
                DTYPE = "dtype";
        public static final String NETWORK = "network",
                NETWORK_TYPE = "type",
                NETWORK_WIDTH = "width",
                NETWORK_DEPTH = "depth",
                NETWORK_ACTIVATION = "activation",
                NETWORK_CORNERS = "corners";
        public static final String OPTIMIZER = "optimizer",
                OPTIMIZER_NAME = "name",
                OPTIMIZER_STEPS = "steps",
                OPTIMIZER_LR = "lr",
                OPTIMIZER_LR_DECAY = "lr_decay",
                OPTIMIZER_LBFGS = "lbfgs",
                OPTIMIZER_DAMPING = "damping";
        public static final String SAMPLING = "sampling",
                SAMPLING_INTERIOR = "interior",
                SAMPLING_BOUNDARY = "boundary",
                SAMPLING_METHOD = "method",
                SAMPLING_RESAMPLE = "resample",
                SAMPLING_RAR_EVERY = "rar_every",
                SAMPLING_RAR_POINTS = "rar_points";

        private Keys() {}
    }

    private static String prefix(String origin) {
        return origin == null || origin.isEmpty() ? "" : origin + ": ";
    }

    private static final Set<String> TOP =
            Set.of(
                    Keys.NAME,
                    Keys.DOMAIN,
                    Keys.PDE,
                    Keys.BOUNDARY,
                    Keys.EXACT,
                    Keys.METHOD,
                    Keys.BC,
                    Keys.PENALTY,
                    Keys.NETWORK,
                    Keys.OPTIMIZER,
                    Keys.SAMPLING,
                    Keys.EVAL_EVERY,
                    Keys.SEED,
                    Keys.DTYPE,
                    Keys.EIGEN,
                    Keys.EXACT_EIGENVALUE,
                    Keys.DESCRIPTION);

    private ProblemSpec parse(JsonNode root) {
        unknownFields(root, "", TOP);
        String name =
                root.has("name")
                        ? name(text(root, "name", ""), "name")
                        : name(defaultName, "the file name");
        Domain domain = domain(required(root, "domain", ""), "domain");
        try {
            // An empty domain (a box minus a larger one, disjoint shapes intersected) fails here,
            // naming the field, not at step 1.
            domain.sampleInterior(1, PointSource.halton(domain.dim() + 1), DType.FLOAT64);
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(
                    "domain: empty, or too thin to train on ("
                            + e.getMessage().replaceFirst("^sampling the interior: ", "")
                            + "); check the shapes and the operation ("
                            + required(root, "domain", "").path("type").asText()
                            + ")",
                    e);
        }
        int d = domain.dim();
        RitzOptions o = options(root);
        MemoryEstimate.require(d, o, Runtime.getRuntime().maxMemory());
        boolean eigen = root.has("eigen") && bool(root, "eigen", "");
        if (eigen) {
            for (String ignored : List.of("pde", "boundary", "exact")) {
                if (root.has(ignored)) {
                    throw new IllegalArgumentException(
                            ignored
                                    + ": an eigenproblem ('eigen': true) is -Laplace(u) = lambda u with u = 0 "
                                    + "on the boundary; '"
                                    + ignored
                                    + "' would be ignored: remove it, or remove 'eigen' to solve the PDE");
                }
            }
            double exact =
                    root.has("exact_eigenvalue")
                            ? positive(root, "exact_eigenvalue", "")
                            : Double.NaN;
            return new ProblemSpec(new EigenProblem(name, domain, exact), o);
        }
        if (root.has("exact_eigenvalue")) {
            throw new IllegalArgumentException(
                    "exact_eigenvalue: only for an eigenproblem ('eigen': true)");
        }
        FormulaCheck check = new FormulaCheck(domain);
        JsonNode pde = required(root, "pde", "");
        unknownFields(pde, "pde.", Set.of("a", "c", "f"));
        ScalarField a = pde.has("a") ? check.inside(formula(pde, "a", "pde.", d), "pde.a") : null;
        ScalarField c = pde.has("c") ? check.inside(formula(pde, "c", "pde.", d), "pde.c") : null;
        ScalarField f = check.inside(formula(pde, "f", "pde.", d), "pde.f");
        JsonNode bnode = required(root, "boundary", "");
        if (!bnode.isArray() || bnode.isEmpty()) {
            throw new IllegalArgumentException(
                    "boundary: expected a non-empty array of conditions");
        }
        List<BoundaryCondition> bcs = new ArrayList<>();
        for (int i = 0; i < bnode.size(); i++) {
            String at = "boundary[" + i + "].";
            JsonNode b = bnode.get(i);
            unknownFields(b, at, Set.of("type", "g", "alpha", "where"));
            String type = text(b, "type", at);
            ScalarField g = check.onBoundary(formula(b, "g", at, d), at + "g");
            BoundaryCondition bc;
            switch (type) {
                case Keys.BC_DIRICHLET:
                    bc = BoundaryCondition.dirichlet(g);
                    break;
                case Keys.BC_NEUMANN:
                    bc = BoundaryCondition.neumann(g);
                    break;
                case Keys.BC_ROBIN:
                    bc =
                            BoundaryCondition.robin(
                                    check.onBoundary(formula(b, "alpha", at, d), at + "alpha"), g);
                    break;
                default:
                    throw new IllegalArgumentException(
                            at + "type: expected dirichlet, neumann or robin, got '" + type + "'");
            }
            if (b.has("where")) {
                bc = bc.on(check.onBoundary(formula(b, "where", at, d), at + "where"));
            }
            bcs.add(bc);
        }
        ScalarField exact =
                root.has("exact")
                        ? check.onBoundary(
                                check.inside(formula(root, "exact", "", d), "exact"), "exact")
                        : null;
        if (!root.has("bc")
                && o.optimizer().kind() == RitzOptions.OptimizerKind.ADAM
                && bcs.stream().allMatch(bc -> bc.type() == BoundaryCondition.Type.DIRICHLET)) {
            // Dirichlet data everywhere: the exact ansatz by default (the penalty's bias dominated
            // the
            // error of such problems at 1e-2); "bc": "penalty" keeps the penalty.
            o = o.withBoundary(o.boundary().withTreatment(RitzOptions.BoundaryTreatment.EXACT));
        }
        return new ProblemSpec(new PoissonProblem(name, domain, a, c, f, bcs, exact), o);
    }

    /**
     * The option groups: top-level method, bc, penalty, eval_every, seed, dtype; the objects
     * network, optimizer, sampling.
     */
    private RitzOptions options(JsonNode root) {
        JsonNode on = root.get(Keys.OPTIMIZER);
        boolean engd =
                on != null
                        && on.isObject()
                        && on.has(Keys.OPTIMIZER_NAME)
                        && RitzOptions.OptimizerKind.parse(
                                        "optimizer.name",
                                        text(on, Keys.OPTIMIZER_NAME, "optimizer."))
                                == RitzOptions.OptimizerKind.ENGD;
        // With ENGD, absent fields take its settings (RitzOptions.engd()): a small network,
        // float64, the PINN loss.
        RitzOptions d = engd ? RitzOptions.engd() : RitzOptions.defaults();
        RitzOptions.Method method =
                root.has(Keys.METHOD)
                        ? RitzOptions.Method.parse(Keys.METHOD, text(root, Keys.METHOD, ""))
                        : d.method();
        RitzOptions.Boundary boundary =
                new RitzOptions.Boundary(
                        root.has(Keys.BC)
                                ? RitzOptions.BoundaryTreatment.parse(
                                        Keys.BC, text(root, Keys.BC, ""))
                                : d.boundary().treatment(),
                        root.has(Keys.PENALTY)
                                ? number(root, Keys.PENALTY, "")
                                : d.boundary().penalty());
        DType dt = d.run().dtype();
        if (root.has(Keys.DTYPE)) {
            try {
                dt = DType.parse(text(root, Keys.DTYPE, ""));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("dtype: " + e.getMessage());
            }
        }
        RitzOptions.Run run =
                new RitzOptions.Run(
                        root.has(Keys.EVAL_EVERY)
                                ? integer(root, Keys.EVAL_EVERY, "")
                                : d.run().evalEvery(),
                        root.has(Keys.SEED) ? (long) number(root, Keys.SEED, "") : d.run().seed(),
                        dt);
        return new RitzOptions(
                method,
                boundary,
                sampling(root.get(Keys.SAMPLING), d.sampling()),
                network(root.get(Keys.NETWORK), d.network()),
                optimizer(root.get(Keys.OPTIMIZER), d.optimizer()),
                run);
    }

    /** The "network" object; absent fields keep their defaults. */
    private static RitzOptions.Network network(JsonNode n, RitzOptions.Network d) {
        if (n == null) {
            return d;
        }
        String at = "network.";
        unknownFields(
                n,
                at,
                Set.of(
                        Keys.NETWORK_TYPE,
                        Keys.NETWORK_WIDTH,
                        Keys.NETWORK_DEPTH,
                        Keys.NETWORK_ACTIVATION,
                        Keys.NETWORK_CORNERS));
        return new RitzOptions.Network(
                n.has(Keys.NETWORK_TYPE)
                        ? RitzOptions.NetworkType.parse(
                                at + Keys.NETWORK_TYPE, text(n, Keys.NETWORK_TYPE, at))
                        : d.type(),
                n.has(Keys.NETWORK_WIDTH) ? integer(n, Keys.NETWORK_WIDTH, at) : d.width(),
                n.has(Keys.NETWORK_DEPTH) ? integer(n, Keys.NETWORK_DEPTH, at) : d.depth(),
                n.has(Keys.NETWORK_ACTIVATION)
                        ? text(n, Keys.NETWORK_ACTIVATION, at)
                        : d.activation(),
                n.has(Keys.NETWORK_CORNERS) ? bool(n, Keys.NETWORK_CORNERS, at) : d.corners());
    }

    /** The "optimizer" object; absent fields keep their defaults. */
    private static RitzOptions.Optimizer optimizer(JsonNode n, RitzOptions.Optimizer d) {
        if (n == null) {
            return d;
        }
        String at = "optimizer.";
        unknownFields(
                n,
                at,
                Set.of(
                        Keys.OPTIMIZER_NAME,
                        Keys.OPTIMIZER_STEPS,
                        Keys.OPTIMIZER_LR,
                        Keys.OPTIMIZER_LR_DECAY,
                        Keys.OPTIMIZER_LBFGS,
                        Keys.OPTIMIZER_DAMPING));
        return new RitzOptions.Optimizer(
                n.has(Keys.OPTIMIZER_NAME)
                        ? RitzOptions.OptimizerKind.parse(
                                at + Keys.OPTIMIZER_NAME, text(n, Keys.OPTIMIZER_NAME, at))
                        : d.kind(),
                n.has(Keys.OPTIMIZER_STEPS) ? integer(n, Keys.OPTIMIZER_STEPS, at) : d.steps(),
                n.has(Keys.OPTIMIZER_LR) ? number(n, Keys.OPTIMIZER_LR, at) : d.lr(),
                n.has(Keys.OPTIMIZER_LR_DECAY)
                        ? number(n, Keys.OPTIMIZER_LR_DECAY, at)
                        : d.lrDecay(),
                n.has(Keys.OPTIMIZER_LBFGS) ? integer(n, Keys.OPTIMIZER_LBFGS, at) : d.lbfgs(),
                n.has(Keys.OPTIMIZER_DAMPING)
                        ? number(n, Keys.OPTIMIZER_DAMPING, at)
                        : d.damping());
    }

    /**
     * The "sampling" object; absent fields keep their defaults; refinement, once asked for,
     * defaults to 64 points every 500 steps.
     */
    private static RitzOptions.Sampling sampling(JsonNode n, RitzOptions.Sampling d) {
        if (n == null) {
            return d;
        }
        String at = "sampling.";
        unknownFields(
                n,
                at,
                Set.of(
                        Keys.SAMPLING_INTERIOR,
                        Keys.SAMPLING_BOUNDARY,
                        Keys.SAMPLING_METHOD,
                        Keys.SAMPLING_RESAMPLE,
                        Keys.SAMPLING_RAR_EVERY,
                        Keys.SAMPLING_RAR_POINTS));
        boolean rar = n.has(Keys.SAMPLING_RAR_EVERY) || n.has(Keys.SAMPLING_RAR_POINTS);
        return new RitzOptions.Sampling(
                n.has(Keys.SAMPLING_INTERIOR)
                        ? integer(n, Keys.SAMPLING_INTERIOR, at)
                        : d.interior(),
                n.has(Keys.SAMPLING_BOUNDARY)
                        ? integer(n, Keys.SAMPLING_BOUNDARY, at)
                        : d.boundary(),
                n.has(Keys.SAMPLING_METHOD)
                        ? RitzOptions.SamplingMethod.parse(
                                at + Keys.SAMPLING_METHOD, text(n, Keys.SAMPLING_METHOD, at))
                        : d.method(),
                n.has(Keys.SAMPLING_RESAMPLE) ? bool(n, Keys.SAMPLING_RESAMPLE, at) : d.resample(),
                n.has(Keys.SAMPLING_RAR_EVERY)
                        ? integer(n, Keys.SAMPLING_RAR_EVERY, at)
                        : rar ? 500 : d.rarEvery(),
                n.has(Keys.SAMPLING_RAR_POINTS)
                        ? integer(n, Keys.SAMPLING_RAR_POINTS, at)
                        : rar ? 64 : d.rarPoints());
    }

    /**
     * Reads the "domain" object of a problem file alone (a form's domain editor, a preview).
     *
     * @param at the field's name in messages, e.g. "domain"
     * @throws IllegalArgumentException naming the field and what was expected
     */
    public static Domain readDomain(JsonNode n, String at) {
        return new ProblemFile("problem").domain(n, at);
    }

    /** The fields of each domain type besides "type". */
    private static final java.util.Map<String, Set<String>> DOMAIN_FIELDS =
            java.util.Map.ofEntries(
                    java.util.Map.entry(Keys.DOMAIN_BOX, Set.of(Keys.DOMAIN_LO, Keys.DOMAIN_HI)),
                    java.util.Map.entry(Keys.DOMAIN_INTERVAL, Set.of(Keys.DOMAIN_A, Keys.DOMAIN_B)),
                    java.util.Map.entry(
                            Keys.DOMAIN_BALL, Set.of(Keys.DOMAIN_CENTER, Keys.DOMAIN_RADIUS)),
                    java.util.Map.entry(
                            Keys.DOMAIN_DISK, Set.of(Keys.DOMAIN_CENTER, Keys.DOMAIN_RADIUS)),
                    java.util.Map.entry(Keys.DOMAIN_POLYGON, Set.of(Keys.DOMAIN_VERTICES)),
                    java.util.Map.entry(
                            Keys.DOMAIN_ANNULUS, Set.of(Keys.DOMAIN_R1, Keys.DOMAIN_R2)),
                    java.util.Map.entry(Keys.DOMAIN_L_SHAPE, Set.of()),
                    java.util.Map.entry(Keys.DOMAIN_SLIT_DISK, Set.of()),
                    java.util.Map.entry(Keys.DOMAIN_UNION, Set.of(Keys.DOMAIN_OF)),
                    java.util.Map.entry(Keys.DOMAIN_INTERSECTION, Set.of(Keys.DOMAIN_OF)),
                    java.util.Map.entry(Keys.DOMAIN_DIFFERENCE, Set.of(Keys.DOMAIN_OF)));

    private Domain domain(JsonNode n, String at) {
        String p = at + ".";
        if (!n.isObject()) {
            throw new IllegalArgumentException(at + ": expected an object with a \"type\"");
        }
        String type = text(n, Keys.DOMAIN_TYPE, p);
        Set<String> fields = DOMAIN_FIELDS.get(type);
        if (fields != null) {
            // As everywhere else in the file: a misspelt or misplaced key is refused, not ignored.
            Set<String> known = new java.util.HashSet<>(fields);
            known.add(Keys.DOMAIN_TYPE);
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!known.contains(f)) {
                    throw new IllegalArgumentException(
                            p
                                    + f
                                    + ": unknown field of a "
                                    + type
                                    + " domain; expected "
                                    + (fields.isEmpty()
                                            ? "only \"type\""
                                            : "one of " + new java.util.TreeSet<>(known)));
                }
            }
        }
        switch (type) {
            case Keys.DOMAIN_BOX:
                return new Box(vector(n, Keys.DOMAIN_LO, p), vector(n, Keys.DOMAIN_HI, p));
            case Keys.DOMAIN_INTERVAL:
                return Box.interval(number(n, Keys.DOMAIN_A, p), number(n, Keys.DOMAIN_B, p));
            case Keys.DOMAIN_BALL:
            case Keys.DOMAIN_DISK:
                return new Ball(
                        vector(n, Keys.DOMAIN_CENTER, p), positive(n, Keys.DOMAIN_RADIUS, p));
            case Keys.DOMAIN_POLYGON:
                {
                    JsonNode v = required(n, Keys.DOMAIN_VERTICES, p);
                    if (!v.isArray()) {
                        throw new IllegalArgumentException(
                                p + "vertices: expected an array of [x, y] points, got " + v);
                    }
                    double[][] pts = new double[v.size()][];
                    for (int i = 0; i < v.size(); i++) {
                        pts[i] = vectorOf(v.get(i), p + "vertices[" + i + "]");
                    }
                    try {
                        return new Polygon(pts);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(p + "vertices: " + e.getMessage(), e);
                    }
                }
            case Keys.DOMAIN_ANNULUS:
                {
                    double r1 = positive(n, Keys.DOMAIN_R1, p), r2 = positive(n, Keys.DOMAIN_R2, p);
                    if (!(r1 < r2)) {
                        throw new IllegalArgumentException(
                                p
                                        + "r1: expected an inner radius below r2 = "
                                        + r2
                                        + ", got "
                                        + r1);
                    }
                    return Csg.annulus(r1, r2);
                }
            case Keys.DOMAIN_L_SHAPE:
                return Polygon.lShape();
            case Keys.DOMAIN_SLIT_DISK:
                return new SlitDisk();
            case Keys.DOMAIN_UNION:
            case Keys.DOMAIN_INTERSECTION:
            case Keys.DOMAIN_DIFFERENCE:
                {
                    JsonNode of = required(n, Keys.DOMAIN_OF, p);
                    if (!of.isArray() || of.size() != 2) {
                        throw new IllegalArgumentException(
                                p + "of: expected an array of two domains");
                    }
                    Csg.Op op = Csg.Op.valueOf(type.toUpperCase());
                    return new Csg(
                            op, domain(of.get(0), p + "of[0]"), domain(of.get(1), p + "of[1]"));
                }
            default:
                throw new IllegalArgumentException(
                        p
                                + "type: expected box, interval, ball, polygon, annulus, l-shape, slit-disk, "
                                + "union, intersection or difference; got '"
                                + type
                                + "'");
        }
    }

    // ---- writing

    /**
     * The problem file of {@code spec}: every field, so that {@link #read} gives back the same
     * problem and options. Formula fields are written as their source; a field that is no formula
     * (a constant given in code) as its value.
     *
     * @throws IllegalArgumentException when a field is neither a formula nor a constant (it has no
     *     file form)
     */
    public static com.fasterxml.jackson.databind.node.ObjectNode toJson(ProblemSpec spec) {
        com.fasterxml.jackson.databind.node.ObjectNode root = MAPPER.createObjectNode();
        root.put("name", spec.name());
        Domain d = spec.problem().domain();
        root.set("domain", domainJson(d));
        if (spec.problem() instanceof EigenProblem e) {
            root.put("eigen", true);
            if (Double.isFinite(e.exactEigenvalue())) {
                root.put("exact_eigenvalue", e.exactEigenvalue());
            }
        } else if (spec.problem() instanceof PoissonProblem p) {
            com.fasterxml.jackson.databind.node.ObjectNode pde = root.putObject("pde");
            if (p.a() != null) {
                pde.put("a", formulaSource(p.a(), d.dim()));
            }
            if (p.c() != null) {
                pde.put("c", formulaSource(p.c(), d.dim()));
            }
            pde.put("f", formulaSource(p.f(), d.dim()));
            com.fasterxml.jackson.databind.node.ArrayNode bcs = root.putArray("boundary");
            for (BoundaryCondition bc : p.boundary()) {
                com.fasterxml.jackson.databind.node.ObjectNode b = bcs.addObject();
                b.put("type", bc.type().name().toLowerCase(java.util.Locale.ROOT));
                if (bc.alpha() != null) {
                    b.put("alpha", formulaSource(bc.alpha(), d.dim()));
                }
                b.put("g", formulaSource(bc.g(), d.dim()));
                if (bc.where() != null) {
                    b.put("where", formulaSource(bc.where(), d.dim()));
                }
            }
            if (p.exact() != null) {
                root.put("exact", formulaSource(p.exact(), d.dim()));
            }
        }
        writeOptions(root, spec.options());
        return root;
    }

    /**
     * Writes the option groups of {@code o} into a problem-file object (all of them, refinement
     * included).
     */
    public static void writeOptions(
            com.fasterxml.jackson.databind.node.ObjectNode root, RitzOptions o) {
        root.put(Keys.METHOD, o.method().toString());
        root.put(Keys.BC, o.boundary().treatment().toString());
        root.put(Keys.PENALTY, o.boundary().penalty());
        com.fasterxml.jackson.databind.node.ObjectNode n = root.putObject(Keys.NETWORK);
        n.put(Keys.NETWORK_TYPE, o.network().type().toString());
        n.put(Keys.NETWORK_WIDTH, o.network().width());
        n.put(Keys.NETWORK_DEPTH, o.network().depth());
        n.put(Keys.NETWORK_ACTIVATION, o.network().activation());
        n.put(Keys.NETWORK_CORNERS, o.network().corners());
        com.fasterxml.jackson.databind.node.ObjectNode op = root.putObject(Keys.OPTIMIZER);
        op.put(Keys.OPTIMIZER_NAME, o.optimizer().kind().toString());
        op.put(Keys.OPTIMIZER_STEPS, o.optimizer().steps());
        op.put(Keys.OPTIMIZER_LR, o.optimizer().lr());
        op.put(Keys.OPTIMIZER_LR_DECAY, o.optimizer().lrDecay());
        op.put(Keys.OPTIMIZER_LBFGS, o.optimizer().lbfgs());
        op.put(Keys.OPTIMIZER_DAMPING, o.optimizer().damping());
        com.fasterxml.jackson.databind.node.ObjectNode s = root.putObject(Keys.SAMPLING);
        s.put(Keys.SAMPLING_INTERIOR, o.sampling().interior());
        s.put(Keys.SAMPLING_BOUNDARY, o.sampling().boundary());
        s.put(Keys.SAMPLING_METHOD, o.sampling().method().toString());
        s.put(Keys.SAMPLING_RESAMPLE, o.sampling().resample());
        s.put(Keys.SAMPLING_RAR_EVERY, o.sampling().rarEvery());
        s.put(Keys.SAMPLING_RAR_POINTS, o.sampling().rarPoints());
        root.put(Keys.EVAL_EVERY, o.run().evalEvery());
        root.put(Keys.SEED, o.run().seed());
        root.put(Keys.DTYPE, o.run().dtype() == DType.FLOAT64 ? "float64" : "float32");
    }

    /** The file form of a domain: every domain the reader builds. */
    public static com.fasterxml.jackson.databind.node.ObjectNode domainJson(Domain d) {
        com.fasterxml.jackson.databind.node.ObjectNode n = MAPPER.createObjectNode();
        if (d instanceof Box && d.dim() == 1) {
            n.put(Keys.DOMAIN_TYPE, Keys.DOMAIN_INTERVAL);
            n.put(Keys.DOMAIN_A, d.lower()[0]);
            n.put(Keys.DOMAIN_B, d.upper()[0]);
        } else if (d instanceof Box) {
            n.put(Keys.DOMAIN_TYPE, Keys.DOMAIN_BOX);
            numbers(n.putArray(Keys.DOMAIN_LO), d.lower());
            numbers(n.putArray(Keys.DOMAIN_HI), d.upper());
        } else if (d instanceof Ball b) {
            n.put(Keys.DOMAIN_TYPE, Keys.DOMAIN_BALL);
            numbers(n.putArray(Keys.DOMAIN_CENTER), b.center());
            n.put(Keys.DOMAIN_RADIUS, b.radius());
        } else if (d instanceof SlitDisk) {
            n.put(Keys.DOMAIN_TYPE, Keys.DOMAIN_SLIT_DISK);
        } else if (d instanceof Polygon poly) {
            double[][] v = poly.vertices();
            if (java.util.Arrays.deepEquals(v, Polygon.lShape().vertices())) {
                n.put(Keys.DOMAIN_TYPE, Keys.DOMAIN_L_SHAPE);
            } else {
                n.put(Keys.DOMAIN_TYPE, Keys.DOMAIN_POLYGON);
                com.fasterxml.jackson.databind.node.ArrayNode vs = n.putArray(Keys.DOMAIN_VERTICES);
                for (double[] p : v) {
                    numbers(vs.addArray(), p);
                }
            }
        } else if (d instanceof Csg c && c.annulusRadii() != null) {
            n.put(Keys.DOMAIN_TYPE, Keys.DOMAIN_ANNULUS);
            n.put(Keys.DOMAIN_R1, c.annulusRadii()[0]);
            n.put(Keys.DOMAIN_R2, c.annulusRadii()[1]);
        } else if (d instanceof Csg c) {
            n.put(Keys.DOMAIN_TYPE, c.op().name().toLowerCase(java.util.Locale.ROOT));
            com.fasterxml.jackson.databind.node.ArrayNode of = n.putArray(Keys.DOMAIN_OF);
            of.add(domainJson(c.first()));
            of.add(domainJson(c.second()));
        } else {
            throw new IllegalArgumentException("the domain '" + d + "' has no problem-file form");
        }
        return n;
    }

    private static void numbers(com.fasterxml.jackson.databind.node.ArrayNode a, double[] v) {
        for (double x : v) {
            a.add(x);
        }
    }

    /**
     * The source of a formula field, or the value of a constant one (found by evaluating it at a
     * few points; a field that is neither has no file form).
     */
    static String formulaSource(ScalarField f, int dim) {
        String s = f.toString();
        try {
            org.implicitlayers.ritz.problem.Expression.parse(s, dim);
            return s;
        } catch (IllegalArgumentException notAFormula) {
            double[] pts = new double[3 * dim];
            for (int i = 0; i < pts.length; i++) {
                pts[i] = 0.1 + 0.37 * i;
            }
            double[] v;
            try (org.implicitlayers.core.Grad.Scope g = org.implicitlayers.core.Grad.noGrad()) {
                v = f.at(Tensor.of(DType.FLOAT64, pts, 3, dim)).toDoubleArray();
            }
            if (v[0] == v[1] && v[1] == v[2]) {
                return v[0] == Math.rint(v[0]) && Math.abs(v[0]) < 1e15
                        ? Long.toString((long) v[0])
                        : Double.toString(v[0]);
            }
            throw new IllegalArgumentException(
                    "a field ('"
                            + s
                            + "') is neither a formula nor a constant: it has no problem-file form",
                    notAFormula);
        }
    }

    private static void unknownFields(JsonNode n, String at, Set<String> known) {
        if (!n.isObject()) {
            throw new IllegalArgumentException(
                    (at.isEmpty() ? "top level" : at.substring(0, at.length() - 1))
                            + ": expected an object");
        }
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!known.contains(f)) {
                throw new IllegalArgumentException(
                        at
                                + f
                                + ": unknown field; expected one of "
                                + new java.util.TreeSet<>(known));
            }
        }
    }

    private static JsonNode required(JsonNode n, String field, String at) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(at + field + ": missing");
        }
        return v;
    }

    private static String text(JsonNode n, String field, String at) {
        JsonNode v = required(n, field, at);
        if (!v.isTextual()) {
            throw new IllegalArgumentException(at + field + ": expected a string, got " + v);
        }
        return v.asText();
    }

    private static boolean bool(JsonNode n, String field, String at) {
        JsonNode v = required(n, field, at);
        if (!v.isBoolean()) {
            throw new IllegalArgumentException(at + field + ": expected true or false, got " + v);
        }
        return v.asBoolean();
    }

    private static double number(JsonNode n, String field, String at) {
        JsonNode v = required(n, field, at);
        if (!v.isNumber()) {
            throw new IllegalArgumentException(at + field + ": expected a number, got " + v);
        }
        double x = v.asDouble();
        if (!Double.isFinite(x)) {
            throw new IllegalArgumentException(
                    at
                            + field
                            + ": expected a finite number, got "
                            + v
                            + " (beyond the range of double)");
        }
        return x;
    }

    /** A file name made a plain name: other characters become '_'. */
    private static String sanitised(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 100; i++) {
            char ch = s.charAt(i);
            b.append(
                    Character.isLetterOrDigit(ch)
                                    || ch == '-'
                                    || ch == '_'
                                    || (ch == '.' && b.length() > 0)
                            ? ch
                            : '_');
        }
        return b.length() == 0 ? "problem" : b.toString();
    }

    /**
     * A problem name, which becomes a folder name of the outputs: letters, digits, '-', '_' and '.'
     * (any script), not starting with '.', at most 100 characters; never a path.
     */
    static String name(String name, String field) {
        boolean ok = !name.isEmpty() && name.length() <= 100 && name.charAt(0) != '.';
        for (int i = 0; ok && i < name.length(); i++) {
            char ch = name.charAt(i);
            ok = Character.isLetterOrDigit(ch) || ch == '-' || ch == '_' || ch == '.';
        }
        if (!ok) {
            throw new IllegalArgumentException(
                    field
                            + ": expected a plain name (letters, digits, '-', '_', '.'; not starting with '.'; "
                            + "at most 100 characters), got '"
                            + name
                            + "': it names the output folder, so it may not be a path");
        }
        return name;
    }

    private static double positive(JsonNode n, String field, String at) {
        double v = number(n, field, at);
        if (!(v > 0)) {
            throw new IllegalArgumentException(
                    at + field + ": expected a positive number, got " + v);
        }
        return v;
    }

    private static int integer(JsonNode n, String field, String at) {
        JsonNode v = required(n, field, at);
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new IllegalArgumentException(at + field + ": expected an integer, got " + v);
        }
        return v.asInt();
    }

    private static double[] vector(JsonNode n, String field, String at) {
        return vectorOf(required(n, field, at), at + field);
    }

    private static double[] vectorOf(JsonNode v, String at) {
        if (!v.isArray() || v.isEmpty()) {
            throw new IllegalArgumentException(at + ": expected an array of numbers, got " + v);
        }
        double[] out = new double[v.size()];
        for (int i = 0; i < out.length; i++) {
            if (!v.get(i).isNumber()) {
                throw new IllegalArgumentException(
                        at + "[" + i + "]: expected a number, got " + v.get(i));
            }
            out[i] = v.get(i).asDouble();
            if (!Double.isFinite(out[i])) {
                throw new IllegalArgumentException(
                        at + "[" + i + "]: expected a finite number, got " + v.get(i));
            }
        }
        return out;
    }

    private static ScalarField formula(JsonNode n, String field, String at, int d) {
        JsonNode v = required(n, field, at);
        String src = v.isNumber() ? v.asText() : v.isTextual() ? v.asText() : null;
        if (src == null) {
            throw new IllegalArgumentException(
                    at + field + ": expected a formula (string) or a number, got " + v);
        }
        try {
            return ScalarField.formula(src, d);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at + field + ": " + e.getMessage());
        }
    }

    /**
     * Evaluates every formula once on sample points of the domain when the file is read (inside for
     * the PDE's coefficients, on the boundary for boundary data, both for the exact solution), so
     * that values that are not finite there ({@code 1/(x-x)}, {@code sqrt(-1)}) are errors naming
     * the field and a point, not a failure at the first training step.
     */
    private static final class FormulaCheck {
        private final Tensor inside;
        private final Tensor boundary;

        FormulaCheck(Domain domain) {
            int d = domain.dim();
            this.inside = domain.sampleInterior(64, PointSource.halton(d + 1), DType.FLOAT64);
            this.boundary =
                    domain.sampleBoundary(64, PointSource.sobol(d + 1), DType.FLOAT64).points();
        }

        ScalarField inside(ScalarField f, String field) {
            return check(f, field, inside, "inside the domain");
        }

        ScalarField onBoundary(ScalarField f, String field) {
            return check(f, field, boundary, "on the boundary");
        }

        private static ScalarField check(ScalarField f, String field, Tensor x, String where) {
            double[] v;
            try {
                v = f.at(x).toDoubleArray();
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        field + ": formula '" + f + "' cannot be evaluated: " + e.getMessage(), e);
            }
            double[] pts = x.toDoubleArray();
            int d = x.shape(1);
            for (int i = 0; i < v.length; i++) {
                if (!Double.isFinite(v[i])) {
                    StringBuilder p = new StringBuilder("(");
                    for (int k = 0; k < d; k++) {
                        p.append(k > 0 ? ", " : "")
                                .append(
                                        String.format(
                                                java.util.Locale.ROOT, "%.4g", pts[i * d + k]));
                    }
                    throw new IllegalArgumentException(
                            field
                                    + ": formula '"
                                    + f
                                    + "' is "
                                    + v[i]
                                    + " at x = "
                                    + p
                                    + ") "
                                    + where
                                    + ": expected finite values everywhere in the domain and on its boundary");
                }
            }
            return f;
        }
    }
}
