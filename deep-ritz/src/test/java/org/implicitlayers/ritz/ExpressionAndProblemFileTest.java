package org.implicitlayers.ritz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.ritz.problem.Expression;
import org.implicitlayers.ritz.problem.PoissonProblem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExpressionAndProblemFileTest {
    @TempDir
    Path dir;

    @Test
    void formulasEvaluateOnAllPointsAndDifferentiate() {
        Tensor x = Tensor.of(new double[] {0.3, -0.4, -1.2, 0.5, 0.1, 2.0}, 3, 2).requiringGrad();
        Expression e = Expression.parse("2*pi^2*sin(pi*x)*sin(pi*y) + r^3 - atan2(y, x) + max(x, y) - e^x", 2);
        Tensor v = e.evaluate(x);
        Tensor g = Grad.of(v.sum(), x, false);
        double[] p = x.toDoubleArray();
        for (int k = 0; k < 3; k++) {
            double a = p[2 * k], b = p[2 * k + 1], r = Math.hypot(a, b);
            double expected = 2 * Math.PI * Math.PI * Math.sin(Math.PI * a) * Math.sin(Math.PI * b) + r * r * r - Math.atan2(b, a)
                    + Math.max(a, b) - Math.exp(a);
            assertEquals(expected, v.get(k), 1e-12);
            double dx = 2 * Math.pow(Math.PI, 3) * Math.cos(Math.PI * a) * Math.sin(Math.PI * b) + 3 * r * a + b / (r * r)
                    + (a > b ? 1 : 0) - Math.exp(a);
            double dy = 2 * Math.pow(Math.PI, 3) * Math.sin(Math.PI * a) * Math.cos(Math.PI * b) + 3 * r * b - a / (r * r) + (b > a ? 1 : 0);
            assertEquals(dx, g.get(2 * k), 1e-10, "d/dx at " + k);
            assertEquals(dy, g.get(2 * k + 1), 1e-10, "d/dy at " + k);
        }
        assertEquals(3.0, Expression.parse("x1 + x10", 10).evaluate(Tensor.ones(DType.FLOAT64, 1, 10).mul(1.5)).item(), 0);
    }

    @Test
    void aTypoIsReportedWithItsPositionAndTheExpectedNames() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Expression.parse("sin(pi*q)", 2));
        assertTrue(unknown.getMessage().contains("'q'") && unknown.getMessage().contains("[e, pi, r, theta, x, x1, x2, y]"), unknown.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Expression.parse("sin(pi*x", 2));
        assertTrue(bad.getMessage().contains("at position 8 expected ')' to close the '(' at position 3"), bad.getMessage());
        IllegalArgumentException extra = assertThrows(IllegalArgumentException.class, () -> Expression.parse("sin(pi*x))", 2));
        assertTrue(extra.getMessage().contains("at position 9 expected an opening '('"), extra.getMessage());
        IllegalArgumentException op = assertThrows(IllegalArgumentException.class, () -> Expression.parse("x + * y", 2));
        assertTrue(op.getMessage().contains("at position 4 expected an operand after '+'"), op.getMessage());
        IllegalArgumentException juxtaposed = assertThrows(IllegalArgumentException.class, () -> Expression.parse("x y", 2));
        assertTrue(juxtaposed.getMessage().contains("at position 2 expected an operator"), juxtaposed.getMessage());
    }

    private Path write(String name, String json) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, json);
        return f;
    }

    @Test
    void aProblemFileLoadsEveryPart() throws IOException {
        Path f = write("disk.json", "{\n \"name\": \"disk\",\n \"domain\": {\"type\": \"difference\", \"of\": [{\"type\": \"ball\", \"center\": [0,0], "
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
        assertTrue(poisson.domain().contains(new double[] {0, 0}) && !poisson.domain().contains(new double[] {0.95, 0.95}));
    }

    @Test
    void errorsNameTheFileTheFieldAndWhatWasExpected() throws IOException {
        IOException syntax = assertThrows(IOException.class, () -> ProblemFile.load(write("a.json", "{\n  \"domain\": {\"type\": \"box\",,}\n}")));
        assertTrue(syntax.getMessage().contains("a.json") && syntax.getMessage().contains("line 2"), syntax.getMessage());
        IOException field = assertThrows(IOException.class, () -> ProblemFile.load(write("b.json",
                "{\"domain\": {\"type\": \"ball\", \"center\": [0,0], \"radius\": -1}, \"pde\": {\"f\": \"1\"}, \"boundary\": [{\"type\": \"dirichlet\", \"g\": \"0\"}]}")));
        assertTrue(field.getMessage().contains("b.json") && field.getMessage().contains("domain.radius") && field.getMessage().contains("positive"),
                field.getMessage());
        IOException formula = assertThrows(IOException.class, () -> ProblemFile.load(write("c.json",
                "{\"domain\": {\"type\": \"l-shape\"}, \"pde\": {\"f\": \"sin(pi*x\"}, \"boundary\": [{\"type\": \"dirichlet\", \"g\": \"0\"}]}")));
        assertTrue(formula.getMessage().contains("c.json") && formula.getMessage().contains("pde.f") && formula.getMessage().contains("sin(pi*x"),
                formula.getMessage());
        IOException unknown = assertThrows(IOException.class, () -> ProblemFile.load(write("d.json",
                "{\"domain\": {\"type\": \"l-shape\"}, \"pde\": {\"f\": \"1\"}, \"boundary\": [{\"type\": \"dirichlet\", \"g\": \"0\"}], \"netwrok\": {}}")));
        assertTrue(unknown.getMessage().contains("netwrok") && unknown.getMessage().contains("network"), unknown.getMessage());
        IOException type = assertThrows(IOException.class, () -> ProblemFile.load(write("e.json",
                "{\"domain\": {\"type\": \"l-shape\"}, \"pde\": {\"f\": \"1\"}, \"boundary\": [{\"type\": \"dirichlet\", \"g\": \"0\"}], \"optimizer\": {\"steps\": \"many\"}}")));
        assertTrue(type.getMessage().contains("optimizer.steps") && type.getMessage().contains("integer"), type.getMessage());
    }
}
