package org.implicitlayers.gui.pde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.ritz.Examples;
import org.implicitlayers.ritz.ProblemFile;
import org.implicitlayers.ritz.ProblemSpec;
import org.implicitlayers.ritz.problem.PoissonProblem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuiltInProblemsTest {
    @Test
    void everyBuiltInWrittenAsAFileLoadsBackAsTheSameProblem(@TempDir Path tmp) throws Exception {
        for (String name : Examples.names()) {
            ProblemSpec original = Examples.spec(name).orElseThrow();
            Path f = tmp.resolve(name + ".json");
            Files.writeString(f, BuiltInProblems.json(name).toPrettyString());
            ProblemSpec back = ProblemFile.load(f);
            assertEquals(original.options(), back.options(), name);
            assertEquals(
                    original.problem().domain().measure(),
                    back.problem().domain().measure(),
                    1e-12,
                    name);
            assertArrayEquals(
                    original.problem().domain().lower(), back.problem().domain().lower(), name);
            if (original.problem() instanceof PoissonProblem p) {
                PoissonProblem q = (PoissonProblem) back.problem();
                int d = p.domain().dim();
                double[] pts = new double[5 * d];
                for (int i = 0; i < pts.length; i++) {
                    pts[i] = 0.05 + 0.17 * i % 0.9;
                }
                try (Grad.Scope s = Grad.noGrad()) {
                    Tensor x = Tensor.of(DType.FLOAT64, pts, 5, d);
                    assertArrayEquals(
                            p.f().at(x).toDoubleArray(),
                            q.f().at(x).toDoubleArray(),
                            1e-12,
                            name + " f");
                    assertArrayEquals(
                            p.boundary().get(0).g().at(x).toDoubleArray(),
                            q.boundary().get(0).g().at(x).toDoubleArray(),
                            1e-12,
                            name + " g");
                    if (p.exact() != null) {
                        assertArrayEquals(
                                p.exact().at(x).toDoubleArray(),
                                q.exact().at(x).toDoubleArray(),
                                1e-12,
                                name + " exact");
                    }
                }
            }
        }
    }
}
