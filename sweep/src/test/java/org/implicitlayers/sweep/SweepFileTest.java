package org.implicitlayers.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sweep files: expansion of the axes into runs, run ids, and errors that name the field. No Spark
 * here.
 */
class SweepFileTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A small valid Ritz problem (unit square, u = sin(pi x) sin(pi y)). */
    static final String BASE =
            """
            {"name": "sq", "domain": {"type": "box", "lo": [0, 0], "hi": [1, 1]},
             "pde": {"f": "2*pi^2*sin(pi*x)*sin(pi*y)"}, "boundary": [{"type": "dirichlet", "g": "0"}],
             "exact": "sin(pi*x)*sin(pi*y)",
             "network": {"type": "resnet", "width": 8, "depth": 1, "activation": "tanh"},
             "optimizer": {"steps": 40, "lr": 0.003},
             "sampling": {"interior": 64, "boundary": 16}, "eval_every": 40}
            """;

    @TempDir Path dir;

    static Sweep sweep(String axes) throws IOException {
        return sweep(axes, "");
    }

    static Sweep sweep(String axes, String more) throws IOException {
        return Sweep.parse(
                JSON.readTree(
                        "{\"name\": \"t\", \"base\": " + BASE + ", \"axes\": " + axes + more + "}"),
                Path.of("."),
                "t");
    }

    private static List<String> column(Sweep s, String axis) throws IOException {
        List<String> out = new ArrayList<>();
        for (Run r : s.runs()) {
            out.add(JSON.readTree(r.settings()).get(axis).toString());
        }
        return out;
    }

    private static JsonNode problem(Run r) throws IOException {
        return JSON.readTree(r.problem());
    }

    @Test
    void productVisitsEveryCombinationWithTheLastAxisFastest() throws IOException {
        Sweep s =
                sweep(
                        "[{\"path\": \"network.width\", \"values\": [8, 16]}, {\"path\": \"seed\", \"values\": [0, 1, 2]}]");
        assertEquals(6, s.runs().size());
        assertEquals(List.of("8", "8", "8", "16", "16", "16"), column(s, "network.width"));
        assertEquals(List.of("0", "1", "2", "0", "1", "2"), column(s, "seed"));
        assertEquals(List.of("network.width", "seed"), s.axisNames());
        for (int i = 0; i < 6; i++) {
            JsonNode p = problem(s.runs().get(i));
            assertEquals(i < 3 ? 8 : 16, p.get("network").get("width").asInt());
            assertEquals(i % 3, p.get("seed").asInt());
            assertEquals(1, p.get("network").get("depth").asInt(), "the rest of the base is kept");
            assertEquals(i, s.runs().get(i).index());
        }
    }

    @Test
    void zipPairsValuesElementByElementInsideAProduct() throws IOException {
        Sweep s =
                sweep(
                        """
                {"product": [{"zip": [{"path": "optimizer.lr", "values": [0.01, 0.001]}, {"path": "optimizer.steps", "values": [20, 40]}]},
                             {"path": "seed", "values": [5, 6]}]}""");
        assertEquals(List.of("0.01", "0.01", "0.001", "0.001"), column(s, "optimizer.lr"));
        assertEquals(List.of("20", "20", "40", "40"), column(s, "optimizer.steps"));
        assertEquals(List.of("5", "6", "5", "6"), column(s, "seed"));
    }

    @Test
    void rangesIncludeBothEndsOnLinearAndLogScales() throws IOException {
        Sweep lin =
                sweep(
                        "{\"path\": \"penalty\", \"range\": {\"from\": 100, \"to\": 400, \"num\": 4}}");
        assertEquals(
                List.of("100", "200", "300", "400"),
                column(lin, "penalty"),
                "integers when both ends are written as integers");
        Sweep log =
                sweep(
                        "{\"path\": \"optimizer.lr\", \"range\": {\"from\": 1e-4, \"to\": 1e-2, \"num\": 5, \"scale\": \"log\"}}");
        double[] expected = {1e-4, Math.sqrt(1e-7), 1e-3, Math.sqrt(1e-5), 1e-2};
        for (int i = 0; i < 5; i++) {
            double v = problem(log.runs().get(i)).get("optimizer").get("lr").asDouble();
            assertEquals(expected[i], v, 1e-11 * expected[i], "point " + i);
        }
        assertEquals(
                0.001,
                problem(log.runs().get(2)).get("optimizer").get("lr").asDouble(),
                0.0,
                "rounded to 12 digits: exactly 1e-3");
        assertTrue(log.space().axes().get(0).log());
        Sweep widths =
                sweep(
                        "{\"path\": \"network.width\", \"range\": {\"from\": 8, \"to\": 64, \"num\": 4, \"scale\": \"log\"}}");
        assertEquals(List.of("8", "16", "32", "64"), column(widths, "network.width"));
    }

    @Test
    void randomDrawsAreReproducibleFromTheirSeedAndStayInRange() throws IOException {
        String axis =
                "{\"path\": \"penalty\", \"random\": {\"from\": 10, \"to\": 1000, \"count\": 20, \"seed\": %d, \"scale\": \"log\", \"integer\": false}}";
        List<String> a = column(sweep(axis.formatted(7)), "penalty");
        List<String> b = column(sweep(axis.formatted(7)), "penalty");
        List<String> c = column(sweep(axis.formatted(8)), "penalty");
        assertEquals(a, b);
        assertNotEquals(a, c);
        double lo = Double.MAX_VALUE, hi = 0;
        for (String v : a) {
            double x = Double.parseDouble(v);
            assertTrue(x >= 10 && x <= 1000, v);
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
        }
        assertTrue(
                lo < 100 && hi > 100,
                "20 log-uniform draws fall on both sides of the geometric middle: " + a);
    }

    @Test
    void aParameterReplacesItsPlaceholderInFormulas() throws IOException {
        String base =
                BASE.replace(
                                "\"2*pi^2*sin(pi*x)*sin(pi*y)\"",
                                "\"${k}*2*pi^2*sin(pi*x)*sin(pi*y)\"")
                        .replace(
                                "\"exact\": \"sin(pi*x)*sin(pi*y)\"",
                                "\"exact\": \"${k}*sin(pi*x)*sin(pi*y)\"")
                        .replace("\"eval_every\": 40", "\"eval_every\": 40, \"penalty\": \"${b}\"");
        String axes =
                "{\"zip\": [{\"path\": \"$k\", \"values\": [0.5, -2]}, {\"path\": \"$b\", \"values\": [10, 20]}]}";
        Sweep s =
                Sweep.parse(
                        JSON.readTree("{\"base\": " + base + ", \"axes\": " + axes + "}"),
                        Path.of("."),
                        "p");
        JsonNode p0 = problem(s.runs().get(0)), p1 = problem(s.runs().get(1));
        assertEquals("0.5*2*pi^2*sin(pi*x)*sin(pi*y)", p0.get("pde").get("f").asText());
        assertEquals("(-2)*sin(pi*x)*sin(pi*y)", p1.get("exact").asText());
        assertEquals(
                10,
                p0.get("penalty").asInt(),
                "a field that is just the placeholder takes the value itself");
        IllegalArgumentException unused =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                Sweep.parse(
                                        JSON.readTree(
                                                "{\"base\": " + BASE + ", \"axes\": " + axes + "}"),
                                        Path.of("."),
                                        "p"));
        assertTrue(
                unused.getMessage().contains("appears nowhere in the base problem"),
                unused.getMessage());
        IllegalArgumentException undefined =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                Sweep.parse(
                                        JSON.readTree(
                                                "{\"base\": "
                                                        + base
                                                        + ", \"axes\": {\"path\": \"seed\", \"values\": [1]}}"),
                                        Path.of("."),
                                        "p"));
        assertTrue(
                undefined
                        .getMessage()
                        .contains("base.pde.f: uses ${k} but no axis has the path '$k'"),
                undefined.getMessage());
    }

    @Test
    void runIdsHashTheSettingsNotTheirOrder() throws IOException {
        Sweep ab =
                sweep(
                        "[{\"path\": \"network.width\", \"values\": [8, 16]}, {\"path\": \"seed\", \"values\": [0, 1]}]");
        Sweep ba =
                sweep(
                        "[{\"path\": \"seed\", \"values\": [0, 1]}, {\"path\": \"network.width\", \"values\": [8, 16]}]");
        Set<String> idsAb = new HashSet<>(), idsBa = new HashSet<>();
        ab.runs().forEach(r -> idsAb.add(r.id()));
        ba.runs().forEach(r -> idsBa.add(r.id()));
        assertEquals(4, idsAb.size());
        assertEquals(idsAb, idsBa);
        for (String id : idsAb) {
            assertTrue(id.matches("[0-9a-f]{16}"), id);
        }
        Sweep other =
                Sweep.parse(
                        JSON.readTree(
                                "{\"base\": "
                                        + BASE.replace("\"interior\": 64", "\"interior\": 65")
                                        + ", \"axes\": {\"path\": \"seed\", \"values\": [0]}}"),
                        Path.of("."),
                        "x");
        Sweep same = sweep("{\"path\": \"seed\", \"values\": [0]}");
        assertNotEquals(
                same.runs().get(0).id(),
                other.runs().get(0).id(),
                "a changed base problem means new runs");
        IllegalArgumentException dup =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> sweep("{\"path\": \"seed\", \"values\": [3, 3]}"));
        assertTrue(
                dup.getMessage().contains("runs 0 and 1 (seed=3) define the same problem"),
                dup.getMessage());
    }

    @Test
    void pathsCreateMissingObjectsAndIndexArrays() throws IOException {
        ObjectNode base = (ObjectNode) JSON.readTree("{\"a\": {\"b\": [1, {\"c\": 2}]}}");
        JsonPath.parse("a.b[1].c").set(base, JSON.readTree("5"));
        JsonPath.parse("x.y").set(base, JSON.readTree("\"z\""));
        assertEquals("{\"a\":{\"b\":[1,{\"c\":5}]},\"x\":{\"y\":\"z\"}}", base.toString());
        IllegalArgumentException range =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> JsonPath.parse("a.b[2]").set(base, JSON.readTree("0")));
        assertEquals("a.b[2]: 'a.b' has 2 elements, no index 2", range.getMessage());
        IllegalArgumentException notObject =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> JsonPath.parse("a.b.c").set(base, JSON.readTree("0")));
        assertEquals("a.b.c: 'a.b' is not an object in the base problem", notObject.getMessage());
        Sweep s = sweep("{\"path\": \"boundary[0].g\", \"values\": [\"0\", \"x*(1-x)*y*(1-y)\"]}");
        assertEquals(
                "x*(1-x)*y*(1-y)",
                problem(s.runs().get(1)).get("boundary").get(0).get("g").asText());
    }

    @Test
    void errorsNameTheFieldAndWhatWasExpected() throws IOException {
        assertError(
                "{\"path\": \"seed\", \"value\": [1]}",
                "axes.value: unknown field; expected one of [path, random, range, values]");
        assertError(
                "{\"path\": \"seed\"}",
                "axes: expected exactly one of 'values', 'range' or 'random' for the axis 'seed'");
        assertError(
                "{\"path\": \"network..width\", \"values\": [1]}",
                "axes.path: expected a dotted path");
        assertError(
                "{\"path\": \"seed\", \"values\": []}", "axes.values: expected a non-empty array");
        assertError(
                "[{\"path\": \"seed\", \"values\": [1]}, {\"path\": \"penalty\", \"range\": {\"from\": 1, \"to\": 2}}]",
                "axes[1].range.num: missing");
        assertError(
                "{\"path\": \"seed\", \"range\": {\"from\": 0, \"to\": 2, \"num\": 0}}",
                "axes.range.num: expected a positive integer, got 0");
        assertError(
                "{\"path\": \"optimizer.lr\", \"random\": {\"from\": 0, \"to\": 1, \"count\": 3, \"scale\": \"log\"}}",
                "axes.random: a log scale needs positive 'from' and 'to'");
        assertError(
                "{\"zip\": [{\"path\": \"seed\", \"values\": [1, 2]}, {\"path\": \"penalty\", \"values\": [1, 2, 3]}]}",
                "axes.zip[1]: has 3 points but zip[0] has 2");
        assertError(
                "[{\"path\": \"seed\", \"values\": [1]}, {\"path\": \"seed\", \"values\": [2]}]",
                "axes[1]: the path 'seed' appears in more than one axis");
        assertError(
                "{\"path\": \"network.width\", \"values\": [8, 0]}",
                "run 1 (network.width=0): network.width: expected a positive count, got 0");
        assertError(
                "{\"path\": \"network.widht\", \"values\": [8]}",
                "run 0 (network.widht=8): network.widht: unknown field");
        assertError(
                "{\"path\": \"pde.f\", \"values\": [\"sin(pi*q)\"]}",
                "run 0 (pde.f=sin(pi*q)): pde.f: ");
        assertError(
                "{\"path\": \"seed\", \"values\": [1]}, \"goal\": \"best\"",
                "goal: expected 'min' or 'max', got 'best'");
    }

    private static void assertError(String axes, String expected) {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> sweep(axes));
        assertTrue(
                e.getMessage().contains(expected),
                "expected '" + expected + "' in: " + e.getMessage());
    }

    @Test
    void aSweepFileNamesItselfInErrorsAndReadsItsBaseRelativeToItself() throws IOException {
        Files.writeString(dir.resolve("base.json"), BASE);
        Path f = dir.resolve("s.json");
        Files.writeString(
                f,
                "{\"base\": \"base.json\", // comments are allowed\n \"axes\": {\"path\": \"seed\", \"values\": [1, 2]}}");
        Sweep s = Sweep.load(f);
        assertEquals("s", s.name());
        assertEquals(2, s.runs().size());
        assertEquals("rel_l2", s.metric());
        assertTrue(s.minimize());
        Files.writeString(
                f, "{\"base\": \"missing.json\", \"axes\": {\"path\": \"seed\", \"values\": [1]}}");
        IOException missing = assertThrows(IOException.class, () -> Sweep.load(f));
        assertTrue(
                missing.getMessage().contains("missing.json: no such base problem"),
                missing.getMessage());
        Files.writeString(f, "{\"base\": \"base.json\",\n \"axes\": [}");
        IOException syntax = assertThrows(IOException.class, () -> Sweep.load(f));
        assertTrue(syntax.getMessage().startsWith(f + ": line 2, column"), syntax.getMessage());
        Files.writeString(f, "{\"base\": \"base.json\",\n \"axes\": {\"path\": \"seed\"");
        IOException truncated = assertThrows(IOException.class, () -> Sweep.load(f));
        assertTrue(
                truncated.getMessage().startsWith(f + ": line 2, column")
                        && truncated
                                .getMessage()
                                .endsWith(
                                        "expected '}' to close the object opened at line 2, column 10"),
                truncated.getMessage());
        assertTrue(!truncated.getMessage().contains("Source:"), truncated.getMessage());
        Files.writeString(f, "{\"base\": \"base.json\", \"axis\": []}");
        IOException unknown = assertThrows(IOException.class, () -> Sweep.load(f));
        assertTrue(
                unknown.getMessage().startsWith(f + ": axis: unknown field"), unknown.getMessage());
    }
}
