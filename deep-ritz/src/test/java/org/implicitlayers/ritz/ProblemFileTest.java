package org.implicitlayers.ritz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.implicitlayers.core.DType;
import org.implicitlayers.ritz.problem.PoissonProblem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Problem files: every part loads, and every error names the file, the field and what was expected.
 */
class ProblemFileTest {
    @TempDir Path dir;

    private Path write(String name, String json) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, json);
        return f;
    }

    @Test
    void aProblemFileLoadsEveryPart() throws IOException {
        Path f =
                write(
                        "disk.json",
                        "{\n \"name\": \"disk\",\n \"domain\": {\"type\": \"difference\", \"of\": [{\"type\": \"ball\", \"center\": [0,0], "
                                + "\"radius\": 1}, {\"type\": \"box\", \"lo\": [0.9, 0.9], \"hi\": [2, 2]}]},\n"
                                + " \"pde\": {\"a\": \"1 + x^2\", \"f\": \"4\"},\n"
                                + " \"boundary\": [{\"type\": \"robin\", \"alpha\": \"1\", \"g\": \"0\", \"where\": \"y\"}, {\"type\": \"dirichlet\", \"g\": 0}],\n"
                                + " \"exact\": \"1 - x^2 - y^2\", \"method\": \"pinn\", \"network\": {\"type\": \"mlp\", \"width\": 16, \"depth\": 2, "
                                + "\"activation\": \"softplus:10\"},\n \"optimizer\": {\"steps\": 10, \"lr\": 0.01, \"lbfgs\": 5},\n"
                                + " \"sampling\": {\"interior\": 64, \"boundary\": 32, \"method\": \"halton\", \"resample\": false}, \"seed\": 3, \"dtype\": \"float64\"\n}");
        ProblemSpec s = ProblemFile.load(f);
        PoissonProblem poisson = (PoissonProblem) s.problem();
        assertEquals("disk", s.name());
        assertEquals(2, poisson.boundary().size());
        assertEquals(RitzOptions.Method.PINN, s.options().method());
        assertEquals(16, s.options().network().width());
        assertEquals(RitzOptions.SamplingMethod.HALTON, s.options().sampling().method());
        assertEquals(DType.FLOAT64, s.options().run().dtype());
        assertEquals(5, s.options().optimizer().lbfgs());
        assertTrue(
                poisson.domain().contains(new double[] {0, 0})
                        && !poisson.domain().contains(new double[] {0.95, 0.95}));
    }

    @Test
    void dirichletDataEverywhereDefaultToTheExactAnsatz() throws IOException {
        String head = "{\"domain\": {\"type\": \"l-shape\"}, \"pde\": {\"f\": \"1\"}, ";
        String dirichlet =
                "\"boundary\": [{\"type\": \"dirichlet\", \"g\": \"0\", \"where\": \"x\"}, {\"type\": \"dirichlet\", \"g\": \"1\"}]";
        assertEquals(
                RitzOptions.BoundaryTreatment.EXACT,
                ProblemFile.load(write("d1.json", head + dirichlet + "}"))
                        .options()
                        .boundary()
                        .treatment());
        assertEquals(
                RitzOptions.BoundaryTreatment.PENALTY,
                ProblemFile.load(write("d2.json", head + dirichlet + ", \"bc\": \"penalty\"}"))
                        .options()
                        .boundary()
                        .treatment());
        assertEquals(
                RitzOptions.BoundaryTreatment.PENALTY,
                ProblemFile.load(
                                write(
                                        "d3.json",
                                        head
                                                + "\"boundary\": [{\"type\": \"dirichlet\", \"g\": \"0\", \"where\": \"x\"}, {\"type\": \"neumann\", \"g\": \"1\"}]}"))
                        .options()
                        .boundary()
                        .treatment());
    }

    @Test
    void engdInAFileTakesItsOwnDefaultsForAbsentSettings() throws IOException {
        String problem =
                "{\"domain\": {\"type\": \"l-shape\"}, \"pde\": {\"f\": \"1\"}, \"boundary\": [{\"type\": \"dirichlet\", \"g\": \"0\"}], ";
        ProblemSpec s =
                ProblemFile.load(
                        write(
                                "e.json",
                                problem
                                        + "\"optimizer\": {\"name\": \"engd\", \"damping\": 1e-8}}"));
        assertEquals(RitzOptions.OptimizerKind.ENGD, s.options().optimizer().kind());
        assertEquals(1e-8, s.options().optimizer().damping());
        assertEquals(RitzOptions.engd().network(), s.options().network());
        assertTrue(s.options().network().corners(), "engd adds the corner terms by default");
        s =
                ProblemFile.load(
                        write(
                                "c.json",
                                problem
                                        + "\"optimizer\": {\"name\": \"engd\"}, \"network\": {\"corners\": false}}"));
        assertFalse(s.options().network().corners());
        IOException notBool =
                assertThrows(
                        IOException.class,
                        () ->
                                ProblemFile.load(
                                        write(
                                                "d.json",
                                                problem + "\"network\": {\"corners\": 3}}")));
        assertTrue(notBool.getMessage().contains("network.corners"), notBool.getMessage());
        assertEquals(DType.FLOAT64, s.options().run().dtype());
        assertEquals(RitzOptions.Method.PINN, s.options().method());
        s =
                ProblemFile.load(
                        write(
                                "f.json",
                                problem
                                        + "\"method\": \"ritz\", \"optimizer\": {\"name\": \"engd\", \"steps\": 7}}"));
        assertEquals(RitzOptions.Method.RITZ, s.options().method());
        assertEquals(7, s.options().optimizer().steps());
        IOException bad =
                assertThrows(
                        IOException.class,
                        () ->
                                ProblemFile.load(
                                        write(
                                                "g.json",
                                                problem
                                                        + "\"optimizer\": {\"name\": \"engd\"}, \"dtype\": \"float32\"}")));
        assertTrue(
                bad.getMessage().contains("g.json")
                        && bad.getMessage().contains("dtype")
                        && bad.getMessage().contains("float64"),
                bad.getMessage());
        bad =
                assertThrows(
                        IOException.class,
                        () ->
                                ProblemFile.load(
                                        write(
                                                "h.json",
                                                problem + "\"optimizer\": {\"name\": \"sgd\"}}")));
        assertTrue(
                bad.getMessage().contains("optimizer.name") && bad.getMessage().contains("'engd'"),
                bad.getMessage());
    }

    @Test
    void errorsNameTheFileTheFieldAndWhatWasExpected() throws IOException {
        IOException syntax =
                assertThrows(
                        IOException.class,
                        () ->
                                ProblemFile.load(
                                        write(
                                                "a.json",
                                                "{\n  \"domain\": {\"type\": \"box\",,}\n}")));
        assertTrue(
                syntax.getMessage().contains("a.json") && syntax.getMessage().contains("line 2"),
                syntax.getMessage());
        IOException field =
                assertThrows(
                        IOException.class,
                        () ->
                                ProblemFile.load(
                                        write(
                                                "b.json",
                                                "{\"domain\": {\"type\": \"ball\", \"center\": [0,0], \"radius\": -1}, \"pde\": {\"f\": \"1\"}, \"boundary\": [{\"type\": \"dirichlet\", \"g\": \"0\"}]}")));
        assertTrue(
                field.getMessage().contains("b.json")
                        && field.getMessage().contains("domain.radius")
                        && field.getMessage().contains("positive"),
                field.getMessage());
        IOException formula =
                assertThrows(
                        IOException.class,
                        () ->
                                ProblemFile.load(
                                        write(
                                                "c.json",
                                                "{\"domain\": {\"type\": \"l-shape\"}, \"pde\": {\"f\": \"sin(pi*x\"}, \"boundary\": [{\"type\": \"dirichlet\", \"g\": \"0\"}]}")));
        assertTrue(
                formula.getMessage().contains("c.json")
                        && formula.getMessage().contains("pde.f")
                        && formula.getMessage().contains("sin(pi*x"),
                formula.getMessage());
        IOException unknown =
                assertThrows(
                        IOException.class,
                        () ->
                                ProblemFile.load(
                                        write(
                                                "d.json",
                                                "{\"domain\": {\"type\": \"l-shape\"}, \"pde\": {\"f\": \"1\"}, \"boundary\": [{\"type\": \"dirichlet\", \"g\": \"0\"}], \"netwrok\": {}}")));
        assertTrue(
                unknown.getMessage().contains("netwrok")
                        && unknown.getMessage().contains("network"),
                unknown.getMessage());
        IOException type =
                assertThrows(
                        IOException.class,
                        () ->
                                ProblemFile.load(
                                        write(
                                                "e.json",
                                                "{\"domain\": {\"type\": \"l-shape\"}, \"pde\": {\"f\": \"1\"}, \"boundary\": [{\"type\": \"dirichlet\", \"g\": \"0\"}], \"optimizer\": {\"steps\": \"many\"}}")));
        assertTrue(
                type.getMessage().contains("optimizer.steps")
                        && type.getMessage().contains("integer"),
                type.getMessage());
    }
}
