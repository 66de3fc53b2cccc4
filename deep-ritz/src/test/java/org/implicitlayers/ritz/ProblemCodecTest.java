package org.implicitlayers.ritz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.ritz.domain.Domain;
import org.implicitlayers.ritz.problem.BoundaryCondition;
import org.implicitlayers.ritz.problem.PoissonProblem;
import org.implicitlayers.ritz.problem.ScalarField;
import org.implicitlayers.ritz.sampling.PointSource;
import org.junit.jupiter.api.Test;

/**
 * The problem-file codec: what it writes reads back as the same problem, for every built-in and
 * every example file.
 */
class ProblemCodecTest {
    /**
     * Every built-in problem and every problem file of examples/ (the sweep file is no problem
     * file).
     */
    static List<ProblemSpec> everyKnownProblem() throws Exception {
        List<ProblemSpec> all = new ArrayList<>();
        for (String name : Examples.names()) {
            all.add(Examples.spec(name).orElseThrow());
        }
        try (Stream<Path> files = Files.list(Path.of("..", "examples"))) {
            for (Path f :
                    files.filter(
                                    p ->
                                            p.toString().endsWith(".json")
                                                    && !p.getFileName()
                                                            .toString()
                                                            .startsWith("sweep"))
                            .sorted()
                            .toList()) {
                all.add(ProblemFile.load(f));
            }
        }
        assertTrue(
                all.size() >= Examples.names().size() + 4,
                "built-ins and example files: " + all.size());
        return all;
    }

    @Test
    void everyBuiltInAndExampleFileWrittenAndReadBackIsTheSameProblem() throws Exception {
        for (ProblemSpec a : everyKnownProblem()) {
            ObjectNode json = ProblemFile.toJson(a);
            ProblemSpec b = ProblemFile.read(json.toPrettyString(), a.name());
            assertEquals(a.name(), b.name());
            assertEquals(a.options(), b.options(), a.name());
            assertEquals(a.problem().getClass(), b.problem().getClass(), a.name());
            sameDomain(a.problem().domain(), b.problem().domain(), a.name());
            if (a.problem() instanceof PoissonProblem p) {
                PoissonProblem q = (PoissonProblem) b.problem();
                Tensor x =
                        a.problem()
                                .domain()
                                .sampleInterior(
                                        50,
                                        PointSource.halton(a.problem().domain().dim() + 1),
                                        DType.FLOAT64);
                sameField(p.f(), q.f(), x, a.name() + " f");
                sameField(p.a(), q.a(), x, a.name() + " a");
                sameField(p.c(), q.c(), x, a.name() + " c");
                sameField(p.exact(), q.exact(), x, a.name() + " exact");
                assertEquals(p.boundary().size(), q.boundary().size());
                for (int i = 0; i < p.boundary().size(); i++) {
                    BoundaryCondition u = p.boundary().get(i), v = q.boundary().get(i);
                    assertEquals(u.type(), v.type());
                    sameField(u.g(), v.g(), x, a.name() + " g" + i);
                    sameField(u.alpha(), v.alpha(), x, a.name() + " alpha" + i);
                    sameField(u.where(), v.where(), x, a.name() + " where" + i);
                }
            }
            // Written again, the file is the same: nothing is lost or changed by a round trip.
            assertEquals(json, ProblemFile.toJson(b), a.name());
        }
    }

    private static void sameDomain(Domain a, Domain b, String name) {
        assertEquals(a.getClass(), b.getClass(), name);
        assertArrayEquals(a.lower(), b.lower(), name);
        assertArrayEquals(a.upper(), b.upper(), name);
        assertEquals(a.measure(), b.measure(), 1e-12 * Math.max(1, a.measure()), name);
        // Membership agrees on a grid of the bounding box (points of both sides of every boundary).
        int d = a.dim();
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < 2000; i++) {
            double[] p = new double[d];
            for (int k = 0; k < d; k++) {
                p[k] = a.lower()[k] + (a.upper()[k] - a.lower()[k]) * r.nextDouble();
            }
            assertEquals(
                    a.contains(p), b.contains(p), name + " at " + java.util.Arrays.toString(p));
        }
    }

    private static void sameField(ScalarField f, ScalarField g, Tensor x, String what) {
        assertEquals(f == null, g == null, what);
        if (f != null) {
            try (Grad.Scope s = Grad.noGrad()) {
                assertArrayEquals(f.at(x).toDoubleArray(), g.at(x).toDoubleArray(), 0, what);
            }
        }
    }

    @Test
    void everyDomainTypeIsWrittenInItsOwnFormAndCompositesNest() throws Exception {
        String[] domains = {
            "{\"type\": \"box\", \"lo\": [0.0, 0.0, 0.0], \"hi\": [1.0, 2.0, 3.0]}",
            "{\"type\": \"interval\", \"a\": -1.0, \"b\": 2.0}",
            "{\"type\": \"ball\", \"center\": [0.5, 0.5], \"radius\": 0.25}",
            "{\"type\": \"polygon\", \"vertices\": [[0.0, 0.0], [2.0, 0.0], [1.0, 1.5]]}",
            "{\"type\": \"annulus\", \"r1\": 0.3, \"r2\": 1.0}",
            "{\"type\": \"l-shape\"}",
            "{\"type\": \"slit-disk\"}",
            "{\"type\": \"difference\", \"of\": [{\"type\": \"box\", \"lo\": [0.0, 0.0], \"hi\": [1.0, 1.0]},"
                    + " {\"type\": \"ball\", \"center\": [0.5, 0.5], \"radius\": 0.25}]}",
            "{\"type\": \"union\", \"of\": [{\"type\": \"box\", \"lo\": [0.0, 0.0], \"hi\": [1.0, 1.0]},"
                    + " {\"type\": \"intersection\", \"of\": [{\"type\": \"ball\", \"center\": [1.0, 0.5], \"radius\": 0.5},"
                    + " {\"type\": \"box\", \"lo\": [0.5, 0.0], \"hi\": [2.0, 1.0]}]}]}"
        };
        for (String dom : domains) {
            String text =
                    "{\"name\": \"d\", \"domain\": "
                            + dom
                            + ", \"pde\": {\"f\": \"1\"}, \"boundary\": [{\"type\": \"dirichlet\", \"g\": \"0\"}]}";
            ProblemSpec s = ProblemFile.read(text, "test");
            ObjectNode written = ProblemFile.toJson(s);
            assertEquals(
                    new com.fasterxml.jackson.databind.ObjectMapper().readTree(dom),
                    written.get("domain"),
                    dom);
        }
    }

    @Test
    void unknownKeysInsideADomainAreRefusedNamingTheField() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                ProblemFile.read(
                                        "{\"name\": \"x\", \"domain\": "
                                                + "{\"type\": \"box\", \"lo\": [0, 0], \"hi\": [1, 1], \"radius\": 2}, \"pde\": {\"f\": \"1\"}, "
                                                + "\"boundary\": [{\"type\": \"dirichlet\", \"g\": \"0\"}]}",
                                        "p.json"));
        assertTrue(
                e.getMessage().startsWith("p.json: domain.radius: unknown field of a box domain"),
                e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                ProblemFile.read(
                                        "{\"name\": \"x\", \"domain\": {\"type\": \"difference\", "
                                                + "\"of\": [{\"type\": \"box\", \"lo\": [0, 0], \"hi\": [1, 1]}, {\"type\": \"slit-disk\", \"r\": 1}]}, "
                                                + "\"pde\": {\"f\": \"1\"}, \"boundary\": [{\"type\": \"dirichlet\", \"g\": \"0\"}]}",
                                        "q.json"));
        assertTrue(
                e.getMessage()
                        .startsWith("q.json: domain.of[1].r: unknown field of a slit-disk domain"),
                e.getMessage());
    }

    @Test
    void textInMemoryIsReadWithItsOriginInEveryMessage() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> ProblemFile.read("{\"name\": \"x\",\n \"domain\": ", "the form"));
        assertTrue(e.getMessage().startsWith("the form: line 2"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                ProblemFile.read(
                                        "{\"name\": \"x\", \"domain\": {\"type\": \"box\", \"lo\": [0],"
                                                + " \"hi\": [1]}, \"pde\": {\"f\": \"1 +\"}, \"boundary\": [{\"type\": \"dirichlet\", \"g\": \"0\"}]}",
                                        "run 7"));
        assertTrue(e.getMessage().startsWith("run 7: pde.f: "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ProblemFile.read("[1, 2]", null));
        assertEquals("expected a JSON object at the top level", e.getMessage());
    }

    @Test
    void anEmptyDomainIsRefusedNamingTheOriginAndTheField() {
        for (String dom :
                new String[] {
                    "{\"type\": \"difference\", \"of\": [{\"type\": \"box\", \"lo\": [0, 0], \"hi\": [1, 1]}, {\"type\": \"box\", \"lo\": [-1, -1], \"hi\": [2, 2]}]}",
                    "{\"type\": \"intersection\", \"of\": [{\"type\": \"box\", \"lo\": [0, 0], \"hi\": [1, 1]}, {\"type\": \"ball\", \"center\": [3, 3], \"radius\": 1}]}"
                }) {
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    ProblemFile.read(
                                            "{\"name\": \"x\", \"domain\": "
                                                    + dom
                                                    + ", \"pde\": {\"f\": \"1\"}, \"boundary\": [{\"type\": \"dirichlet\", \"g\": \"0\"}]}",
                                            "empty.json"));
            assertTrue(e.getMessage().startsWith("empty.json: domain: empty"), e.getMessage());
        }
    }
}
