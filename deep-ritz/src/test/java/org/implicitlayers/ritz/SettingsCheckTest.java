package org.implicitlayers.ritz;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.implicitlayers.core.train.TrainingDivergedException;
import org.junit.jupiter.api.Test;

/** Settings that overflow the first training step are refused before training, naming the field. */
class SettingsCheckTest {
    private static ProblemSpec spec(String domain, String f, String extra) {
        return ProblemFile.read(
                """
                {"name": "check", "domain": %s, "pde": {"f": "%s"}, "boundary": [{"type": "dirichlet", "g": "0"}],
                 "bc": "penalty", "network": {"type": "mlp", "width": 8, "depth": 1, "activation": "tanh"},
                 "sampling": {"interior": 64, "boundary": 32} %s}
                """
                        .formatted(
                                domain,
                                f,
                                extra.contains("optimizer")
                                        ? extra
                                        : extra + ", \"optimizer\": {\"steps\": 5}"),
                null);
    }

    private static final String SQUARE = "{\"type\": \"box\", \"lo\": [0, 0], \"hi\": [1, 1]}";

    private static String refusal(ProblemSpec s) {
        return assertThrows(
                        IllegalArgumentException.class,
                        () -> new RitzSolver(s.problem(), s.options()))
                .getMessage();
    }

    @Test
    void dataBeyondTheFloat32RangeOfTheLossIsRefusedNamingTheField() {
        String m = refusal(spec(SQUARE, "1e300*x", ""));
        assertTrue(m.startsWith("pde.f: formula '1e300*x' reaches ") && m.contains("float32"), m);
        // 1e30 fits float64's range, not float32's (its square overflows 3.4e38).
        assertTrue(refusal(spec(SQUARE, "1e30*x", "")).startsWith("pde.f: "));
        ProblemSpec f64 = spec(SQUARE, "1e30*x", ", \"dtype\": \"float64\"");
        assertDoesNotThrow(() -> new RitzSolver(f64.problem(), f64.options()));
    }

    @Test
    void aLearningRateThatOverflowsTheFirstStepIsRefused() {
        String m = refusal(spec(SQUARE, "1", ", \"optimizer\": {\"steps\": 5, \"lr\": 1e308}"));
        assertTrue(m.startsWith("optimizer.lr: 1.00e+308 "), m);
        ProblemSpec fine = spec(SQUARE, "1", ", \"optimizer\": {\"steps\": 5, \"lr\": 0.1}");
        assertDoesNotThrow(() -> new RitzSolver(fine.problem(), fine.options()));
    }

    @Test
    void aDomainBeyondTheRangeIsRefusedNamingItsRadius() {
        String m =
                refusal(
                        spec(
                                "{\"type\": \"ball\", \"center\": [0, 0], \"radius\": 1e200}",
                                "1",
                                ""));
        assertTrue(m.startsWith("domain.radius: the domain reaches 1.00e+200"), m);
    }

    @Test
    void aFormulaUndefinedOnAThinPartOfTheDomainIsRefusedNamingAPointThere() {
        // Defined for x >= 0.001 only: the 64 points checked when the file is read miss the strip,
        // training would not.
        ProblemSpec s = spec(SQUARE, "sqrt(x - 0.001)", "");
        String m = refusal(s);
        assertTrue(m.startsWith("pde.f: formula 'sqrt(x - 0.001)' is NaN at x = ("), m);
        double x =
                Double.parseDouble(
                        m.substring(m.indexOf("x = (") + 5, m.indexOf(',', m.indexOf("x = ("))));
        assertTrue(x < 0.001, "the point named is in the strip: " + m);
    }

    @Test
    void aLossThatStillOverflowsNamesItsTerm() {
        ProblemSpec s = spec(SQUARE, "1", ", \"penalty\": 1e308");
        RitzSolver solver = new RitzSolver(s.problem(), s.options());
        String m =
                assertThrows(TrainingDivergedException.class, () -> solver.solve(List.of()))
                        .getMessage();
        assertTrue(
                m.startsWith(
                        "step 1: the loss is Infinity: the boundary penalty term is Infinity; training stopped"),
                m);
    }
}
