package org.implicitlayers.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * The settings a sweep visits: axes (one setting, a list of values) combined by Cartesian product
 * or by zip. In a sweep file:
 *
 * <pre>{@code
 * {"path": "network.width", "values": [16, 32, 64]}
 * {"path": "optimizer.lr", "range": {"from": 1e-4, "to": 1e-2, "num": 5, "scale": "log"}}
 * {"path": "penalty", "random": {"from": 10, "to": 1000, "count": 8, "seed": 1, "scale": "log"}}
 * {"product": [axis, ...]}   every combination, the last axis varying fastest
 * {"zip": [axis, ...]}       element by element; all parts have the same length
 * [axis, ...]                short for a product
 * }</pre>
 *
 * A path names a field of the base problem (see {@link JsonPath}); a path {@code $name} defines a
 * parameter that replaces {@code ${name}} in the base problem's strings (formulas such as {@code
 * "pde.f": "${k}*sin(pi*x)"}). Ranges include both ends; with {@code "scale": "log"} the points are
 * spaced evenly in the logarithm. Values of a range or a random draw are integers when {@code from}
 * and {@code to} are written as integers (or with {@code "integer": true}), else rounded to 12
 * significant digits. Random draws are uniform (in the logarithm for the log scale) from a
 * generator seeded with {@code seed} (default 0), so a sweep file always means the same runs.
 */
public sealed interface SweepSpace {
    /** Every point of the space, each mapping axis names to values in axis order. */
    List<Map<String, JsonNode>> points();

    /** The axes, in order. */
    List<Axis> axes();

    /**
     * How many points {@link #points()} has, found without listing them (a product of large axes
     * has very many).
     */
    long count();

    /**
     * One axis.
     *
     * @param name a dotted path into the base problem, or {@code $name} for a formula parameter
     * @param values its values, in order
     * @param log whether the values were spaced (or drawn) on a log scale; plots use a log axis
     *     then
     */
    record Axis(String name, List<JsonNode> values, boolean log) implements SweepSpace {
        public Axis {
            values = List.copyOf(values);
        }

        /** Whether this axis is a formula parameter rather than a field of the problem. */
        public boolean parameter() {
            return name.startsWith("$");
        }

        @Override
        public List<Map<String, JsonNode>> points() {
            List<Map<String, JsonNode>> out = new ArrayList<>();
            for (JsonNode v : values) {
                Map<String, JsonNode> m = new LinkedHashMap<>();
                m.put(name, v);
                out.add(m);
            }
            return out;
        }

        @Override
        public List<Axis> axes() {
            return List.of(this);
        }

        @Override
        public long count() {
            return values.size();
        }
    }

    /** Every combination of the parts' points; the last part varies fastest. */
    record Product(List<SweepSpace> parts) implements SweepSpace {
        public Product {
            parts = List.copyOf(parts);
        }

        @Override
        public List<Map<String, JsonNode>> points() {
            List<Map<String, JsonNode>> acc = new ArrayList<>();
            acc.add(new LinkedHashMap<>());
            for (SweepSpace p : parts) {
                List<Map<String, JsonNode>> next = new ArrayList<>();
                for (Map<String, JsonNode> a : acc) {
                    for (Map<String, JsonNode> b : p.points()) {
                        Map<String, JsonNode> m = new LinkedHashMap<>(a);
                        m.putAll(b);
                        next.add(m);
                    }
                }
                acc = next;
            }
            return acc;
        }

        @Override
        public List<Axis> axes() {
            return parts.stream().flatMap(p -> p.axes().stream()).toList();
        }

        @Override
        public long count() {
            long n = 1;
            for (SweepSpace p : parts) {
                n = n > Long.MAX_VALUE / Math.max(1, p.count()) ? Long.MAX_VALUE : n * p.count();
            }
            return n;
        }
    }

    /** The i-th points of all parts together; all parts have the same number of points. */
    record Zip(List<SweepSpace> parts) implements SweepSpace {
        public Zip {
            parts = List.copyOf(parts);
        }

        @Override
        public List<Map<String, JsonNode>> points() {
            List<Map<String, JsonNode>> out = new ArrayList<>();
            List<List<Map<String, JsonNode>>> each =
                    parts.stream().map(SweepSpace::points).toList();
            for (int i = 0; i < each.get(0).size(); i++) {
                Map<String, JsonNode> m = new LinkedHashMap<>();
                for (List<Map<String, JsonNode>> e : each) {
                    m.putAll(e.get(i));
                }
                out.add(m);
            }
            return out;
        }

        @Override
        public List<Axis> axes() {
            return parts.stream().flatMap(p -> p.axes().stream()).toList();
        }

        @Override
        public long count() {
            return parts.get(0).count();
        }
    }

    /**
     * Reads a space from its JSON form; errors name the field by its path from {@code at} (such as
     * {@code axes.product[1].range.num}) and say what was expected.
     */
    static SweepSpace parse(JsonNode n, String at) {
        if (n.isArray()) {
            return new Product(parts(n, at));
        }
        if (!n.isObject()) {
            throw new IllegalArgumentException(
                    at
                            + ": expected an axis object, {\"product\": [...]}, {\"zip\": [...]} or an array, got "
                            + n);
        }
        if (n.has("product") || n.has("zip")) {
            String kind = n.has("product") ? "product" : "zip";
            JsonFields.known(n, at, Set.of(kind));
            List<SweepSpace> parts = parts(n.get(kind), at + "." + kind);
            if (kind.equals("product")) {
                return new Product(parts);
            }
            long size = parts.get(0).count();
            for (int i = 1; i < parts.size(); i++) {
                long s = parts.get(i).count();
                if (s != size) {
                    throw new IllegalArgumentException(
                            at
                                    + ".zip["
                                    + i
                                    + "]: has "
                                    + s
                                    + " points but zip[0] has "
                                    + size
                                    + "; zipped parts must have the same length");
                }
            }
            return new Zip(parts);
        }
        return axis(n, at);
    }

    private static List<SweepSpace> parts(JsonNode arr, String at) {
        if (!arr.isArray() || arr.isEmpty()) {
            throw new IllegalArgumentException(
                    at + ": expected a non-empty array of axes, got " + arr);
        }
        List<SweepSpace> parts = new ArrayList<>();
        Set<String> names = new TreeSet<>();
        for (int i = 0; i < arr.size(); i++) {
            SweepSpace p = parse(arr.get(i), at + "[" + i + "]");
            for (Axis a : p.axes()) {
                if (!names.add(a.name())) {
                    throw new IllegalArgumentException(
                            at
                                    + "["
                                    + i
                                    + "]: the path '"
                                    + a.name()
                                    + "' appears in more than one axis");
                }
            }
            parts.add(p);
        }
        return parts;
    }

    private static Axis axis(JsonNode n, String at) {
        JsonFields.known(n, at, Set.of("path", "values", "range", "random"));
        String path = JsonFields.text(n, "path", at);
        String name = path;
        if (path.startsWith("$")) {
            if (!path.substring(1).matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException(
                        at
                                + ".path: expected a parameter name such as '$k' after '$', got '"
                                + path
                                + "'");
            }
        } else {
            try {
                JsonPath.parse(path);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + ".path: " + e.getMessage());
            }
        }
        int given =
                (n.has("values") ? 1 : 0) + (n.has("range") ? 1 : 0) + (n.has("random") ? 1 : 0);
        if (given != 1) {
            throw new IllegalArgumentException(
                    at
                            + ": expected exactly one of 'values', 'range' or 'random' for the axis '"
                            + path
                            + "'");
        }
        if (n.has("values")) {
            JsonNode v = n.get("values");
            if (!v.isArray() || v.isEmpty()) {
                throw new IllegalArgumentException(
                        at + ".values: expected a non-empty array, got " + v);
            }
            List<JsonNode> values = new ArrayList<>();
            v.forEach(values::add);
            return new Axis(name, values, false);
        }
        boolean random = n.has("random");
        String kind = random ? "random" : "range";
        JsonNode r = n.get(kind);
        String p = at + "." + kind;
        String countField = random ? "count" : "num";
        JsonFields.known(
                r,
                p,
                random
                        ? Set.of("from", "to", "count", "seed", "scale", "integer")
                        : Set.of("from", "to", "num", "scale", "integer"));
        double from = JsonFields.number(r, "from", p);
        double to = JsonFields.number(r, "to", p);
        int count = JsonFields.integer(r, countField, p);
        if (count < 1) {
            throw new IllegalArgumentException(
                    p + "." + countField + ": expected a positive integer, got " + count);
        }
        String scale = r.has("scale") ? JsonFields.text(r, "scale", p) : "linear";
        if (!scale.equals("linear") && !scale.equals("log")) {
            throw new IllegalArgumentException(
                    p + ".scale: expected 'linear' or 'log', got '" + scale + "'");
        }
        boolean log = scale.equals("log");
        if (log && !(from > 0 && to > 0)) {
            throw new IllegalArgumentException(
                    p + ": a log scale needs positive 'from' and 'to', got " + from + " and " + to);
        }
        boolean integer =
                r.has("integer")
                        ? JsonFields.bool(r, "integer", p)
                        : r.get("from").isIntegralNumber() && r.get("to").isIntegralNumber();
        SplittableRandom rng =
                random
                        ? new SplittableRandom(r.has("seed") ? JsonFields.integer(r, "seed", p) : 0)
                        : null;
        List<JsonNode> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double t = random ? rng.nextDouble() : count == 1 ? 0 : (double) i / (count - 1);
            double x =
                    log
                            ? Math.exp(Math.log(from) + t * (Math.log(to) - Math.log(from)))
                            : from + t * (to - from);
            values.add(integer ? LongNode.valueOf(Math.round(x)) : DoubleNode.valueOf(round12(x)));
        }
        return new Axis(name, values, log);
    }

    /**
     * Rounds to 12 significant digits, so that 1e-4 * 100^(1/2) is written 0.001, not
     * 0.0010000000000000002.
     */
    private static double round12(double x) {
        return x == 0 || !Double.isFinite(x)
                ? x
                : Double.parseDouble(String.format(Locale.ROOT, "%.11e", x));
    }
}
