package org.implicitlayers.sweep;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parameter sweep: a base problem, the {@link SweepSpace} of settings to visit, and what to
 * report. The sweep file (JSON, comments allowed):
 *
 * <pre>{@code
 * {
 *   "name": "poisson-width-lr",              (default: the file name)
 *   "kind": "ritz",                          (what the base problem is; default ritz)
 *   "base": "poisson.json",                  (a problem file, relative to the sweep file, or the problem itself as an object)
 *   "axes": [
 *     {"path": "network.width", "values": [16, 32, 64]},
 *     {"path": "optimizer.lr", "range": {"from": 1e-3, "to": 1e-2, "num": 3, "scale": "log"}},
 *     {"path": "seed", "values": [0, 1, 2]}
 *   ],
 *   "metric": "rel_l2", "goal": "min",       (the metric of the summary and the plot; default rel_l2, min)
 *   "time_limit_s": 600                      (per run; a run past it is recorded as failed; default 0: none)
 * }
 * }</pre>
 *
 * Every run is checked when the sweep is loaded (its problem is parsed as the solver would), so a
 * bad value fails at once, naming the run and the field, not hours later on an executor.
 *
 * @param name the sweep's name
 * @param kind what runs: {@link RunKind}
 * @param base the base problem, as JSON
 * @param space the settings visited
 * @param metric the metric that ranks runs
 * @param minimize whether smaller is better for {@code metric}
 * @param timeLimitSeconds wall-clock limit per run in seconds (0: none)
 * @param runs the runs, in the order of the space's points
 */
public record Sweep(
        String name,
        RunKind kind,
        ObjectNode base,
        SweepSpace space,
        String metric,
        boolean minimize,
        double timeLimitSeconds,
        List<Run> runs) {
    private static final Pattern PARAMETER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)\\}");
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(JsonParser.Feature.ALLOW_COMMENTS);
    private static final Set<String> TOP =
            Set.of("name", "kind", "base", "axes", "metric", "goal", "time_limit_s", "description");

    public Sweep {
        runs = List.copyOf(runs);
    }

    /** The swept settings, by axis name, in axis order. */
    public List<String> axisNames() {
        return space.axes().stream().map(SweepSpace.Axis::name).toList();
    }

    /**
     * Reads and checks a sweep file; errors name the file and the field (or the run) and what was
     * expected.
     */
    public static Sweep load(Path file) throws IOException {
        JsonNode root = readJson(file, "sweep file");
        try {
            return parse(
                    root,
                    file.toAbsolutePath().getParent(),
                    file.getFileName().toString().replaceFirst("\\.json$", ""));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * What a sweep file asks for, read without listing or checking its runs (see {@link
     * #plan(Path)}).
     *
     * @param count the number of runs (the points of the space)
     */
    public record Plan(
            String name,
            RunKind kind,
            ObjectNode base,
            SweepSpace space,
            String metric,
            boolean minimize,
            double timeLimitSeconds,
            long count) {
        /** The swept settings, by axis name, in axis order. */
        public List<String> axisNames() {
            return space.axes().stream().map(SweepSpace.Axis::name).toList();
        }

        /**
         * The problem of the first run (every axis at its first value, in a product as in a zip),
         * unchecked.
         */
        public ObjectNode firstProblem() {
            Map<String, JsonNode> first = new LinkedHashMap<>();
            space.axes().forEach(a -> first.put(a.name(), a.values().get(0)));
            return apply(base, first);
        }
    }

    /**
     * Reads the sweep file's settings and counts its runs at once, without listing or checking them
     * (for a sweep of a million runs, {@link #load} takes a while): what a front end prints before
     * the work starts.
     */
    public static Plan plan(Path file) throws IOException {
        JsonNode root = readJson(file, "sweep file");
        try {
            return plan(
                    root,
                    file.toAbsolutePath().getParent(),
                    file.getFileName().toString().replaceFirst("\\.json$", ""));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private static Plan plan(JsonNode root, Path dir, String defaultName) throws IOException {
        JsonFields.known(root, "", TOP);
        String name = root.has("name") ? JsonFields.text(root, "name", "") : defaultName;
        RunKind kind = RunKind.named(root.has("kind") ? JsonFields.text(root, "kind", "") : "ritz");
        JsonNode b = JsonFields.required(root, "base", "");
        ObjectNode base;
        if (b.isTextual()) {
            Path p = dir.resolve(b.asText());
            JsonNode n = readJson(p, "base problem");
            if (!n.isObject()) {
                throw new IllegalArgumentException("base: " + p + " does not hold a JSON object");
            }
            base = (ObjectNode) n;
        } else if (b.isObject()) {
            base = (ObjectNode) b;
        } else {
            throw new IllegalArgumentException(
                    "base: expected a problem file name or a problem object, got " + b);
        }
        SweepSpace space = SweepSpace.parse(JsonFields.required(root, "axes", ""), "axes");
        String metric = root.has("metric") ? JsonFields.text(root, "metric", "") : "rel_l2";
        String goal = root.has("goal") ? JsonFields.text(root, "goal", "") : "min";
        if (!goal.equals("min") && !goal.equals("max")) {
            throw new IllegalArgumentException("goal: expected 'min' or 'max', got '" + goal + "'");
        }
        double limit = root.has("time_limit_s") ? JsonFields.number(root, "time_limit_s", "") : 0;
        if (!(limit >= 0)) {
            throw new IllegalArgumentException(
                    "time_limit_s: expected a non-negative number of seconds, got " + limit);
        }
        return new Plan(name, kind, base, space, metric, goal.equals("min"), limit, space.count());
    }

    /**
     * Builds a sweep from the JSON form of a sweep file.
     *
     * @param root the sweep object
     * @param dir the folder that a base given as a file name is relative to
     * @param defaultName the name when the object has none
     */
    public static Sweep parse(JsonNode root, Path dir, String defaultName) throws IOException {
        Plan plan = plan(root, dir, defaultName);
        String name = plan.name();
        RunKind kind = plan.kind();
        ObjectNode base = plan.base();
        SweepSpace space = plan.space();
        String metric = plan.metric();
        String goal = plan.minimize() ? "min" : "max";
        double limit = plan.timeLimitSeconds();
        checkParameters(base, space);
        List<Run> runs = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        List<Map<String, JsonNode>> points = space.points();
        for (int i = 0; i < points.size(); i++) {
            Map<String, JsonNode> s = points.get(i);
            ObjectNode problem;
            try {
                problem = apply(base, s);
                kind.check(problem);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "run " + i + " (" + describe(s) + "): " + e.getMessage(), e);
            }
            String id = runId(kind, problem);
            Integer other = seen.putIfAbsent(id, i);
            if (other != null) {
                throw new IllegalArgumentException(
                        "runs "
                                + other
                                + " and "
                                + i
                                + " ("
                                + describe(s)
                                + ") define the same problem: an axis changes nothing");
            }
            runs.add(
                    new Run(
                            i,
                            id,
                            JSON.writeValueAsString(JSON.valueToTree(s)),
                            JSON.writeValueAsString(problem)));
        }
        return new Sweep(name, kind, base, space, metric, goal.equals("min"), limit, runs);
    }

    /**
     * The base problem with one point's settings applied: fields set by path, {@code ${name}}
     * parameters replaced.
     */
    static ObjectNode apply(ObjectNode base, Map<String, JsonNode> settings) {
        ObjectNode p = base.deepCopy();
        Map<String, JsonNode> params = new HashMap<>();
        settings.forEach(
                (k, v) -> {
                    if (k.startsWith("$")) {
                        params.put(k.substring(1), v);
                    }
                });
        JsonNode replaced = substitute(p, params);
        p = (ObjectNode) replaced;
        for (Map.Entry<String, JsonNode> e : settings.entrySet()) {
            if (!e.getKey().startsWith("$")) {
                JsonPath.parse(e.getKey()).set(p, e.getValue());
            }
        }
        return p;
    }

    private static JsonNode substitute(JsonNode n, Map<String, JsonNode> params) {
        if (params.isEmpty()) {
            return n;
        }
        if (n.isTextual()) {
            String s = n.asText();
            Matcher whole = PARAMETER.matcher(s);
            if (whole.matches()) {
                return params.get(whole.group(1));
            }
            Matcher m = PARAMETER.matcher(s);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(
                        out, Matcher.quoteReplacement(formulaText(params.get(m.group(1)))));
            }
            m.appendTail(out);
            return TextNode.valueOf(out.toString());
        }
        if (n instanceof ObjectNode o) {
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                e.setValue(substitute(e.getValue(), params));
            }
        } else if (n instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                a.set(i, substitute(a.get(i), params));
            }
        }
        return n;
    }

    /**
     * A value as formula text: numbers in plain notation (negative ones in parentheses), strings as
     * they are.
     */
    private static String formulaText(JsonNode v) {
        if (v.isNumber()) {
            String s =
                    v.isIntegralNumber()
                            ? v.asText()
                            : BigDecimal.valueOf(v.asDouble()).stripTrailingZeros().toPlainString();
            return s.startsWith("-") ? "(" + s + ")" : s;
        }
        return v.asText();
    }

    /** Every ${name} in the base has an axis $name, and every $name axis is used. */
    private static void checkParameters(ObjectNode base, SweepSpace space) {
        Set<String> defined = new HashSet<>();
        for (SweepSpace.Axis a : space.axes()) {
            if (a.parameter()) {
                defined.add(a.name().substring(1));
            }
        }
        Map<String, String> used = new LinkedHashMap<>();
        collectParameters(base, "base", used);
        for (Map.Entry<String, String> e : used.entrySet()) {
            if (!defined.contains(e.getKey())) {
                throw new IllegalArgumentException(
                        e.getValue()
                                + ": uses ${"
                                + e.getKey()
                                + "} but no axis has the path '$"
                                + e.getKey()
                                + "'");
            }
        }
        for (String d : defined) {
            if (!used.containsKey(d)) {
                throw new IllegalArgumentException(
                        "axes: the parameter '$"
                                + d
                                + "' appears nowhere in the base problem (write ${"
                                + d
                                + "} in a formula)");
            }
        }
    }

    private static void collectParameters(JsonNode n, String at, Map<String, String> used) {
        if (n.isTextual()) {
            Matcher m = PARAMETER.matcher(n.asText());
            while (m.find()) {
                used.putIfAbsent(m.group(1), at);
            }
        } else if (n.isObject()) {
            n.fields()
                    .forEachRemaining(
                            e -> collectParameters(e.getValue(), at + "." + e.getKey(), used));
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                collectParameters(n.get(i), at + "[" + i + "]", used);
            }
        }
    }

    /** "network.width=32, seed=1". */
    static String describe(Map<String, JsonNode> settings) {
        StringBuilder b = new StringBuilder();
        settings.forEach(
                (k, v) ->
                        b.append(b.length() == 0 ? "" : ", ")
                                .append(k)
                                .append('=')
                                .append(v.isTextual() ? v.asText() : v));
        return b.toString();
    }

    /**
     * The id of a run: the first 16 hex digits of the SHA-256 of its kind and its complete problem
     * in canonical JSON (keys sorted), so the same settings always get the same id, whatever the
     * order of the axes, and a changed base problem gets new ids.
     */
    static String runId(RunKind kind, ObjectNode problem) {
        try {
            String canonical = kind.name() + "\n" + JSON.writeValueAsString(canonical(problem));
            byte[] h =
                    MessageDigest.getInstance("SHA-256")
                            .digest(canonical.getBytes(StandardCharsets.UTF_8));
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < 8; i++) {
                s.append(String.format("%02x", h[i]));
            }
            return s.toString();
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object canonical(JsonNode n) {
        if (n.isObject()) {
            Map<String, Object> m = new TreeMap<>();
            n.fields().forEachRemaining(e -> m.put(e.getKey(), canonical(e.getValue())));
            return m;
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            n.forEach(x -> l.add(canonical(x)));
            return l;
        }
        return n;
    }

    static JsonNode readJson(Path file, String what) throws IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new IOException(file + ": no such " + what);
        }
        try {
            JsonNode n = JSON.readTree(text);
            if (n == null || !n.isObject()) {
                throw new IOException(file + ": expected a JSON object at the top level");
            }
            return n;
        } catch (JsonParseException e) {
            throw new IOException(file + ": " + org.implicitlayers.ritz.JsonSyntax.describe(e), e);
        }
    }
}
