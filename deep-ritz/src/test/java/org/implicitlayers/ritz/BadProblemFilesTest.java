package org.implicitlayers.ritz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.implicitlayers.ritz.problem.EigenProblem;
import org.implicitlayers.ritz.problem.PoissonProblem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The corpus of malformed and hostile problem files under {@code src/test/resources/bad-problems}:
 * each is refused when it is read, with a message that names the file and contains the fragment its
 * first line states ({@code // expect: ...}).
 */
class BadProblemFilesTest {
    @TempDir Path dir;

    static Stream<Path> corpus() throws IOException, URISyntaxException {
        Path d = Path.of(BadProblemFilesTest.class.getResource("/bad-problems").toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(d)) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertTrue(files.size() >= 30, "the corpus is there: " + files.size());
        return files.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void isRefusedWithTheFieldAndTheReason(Path file) throws IOException {
        String first =
                new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)
                        .lines()
                        .findFirst()
                        .orElseThrow();
        assertTrue(first.startsWith("// expect: "), file + " states its expected message");
        String expected = first.substring("// expect: ".length());
        IOException e = assertThrows(IOException.class, () -> ProblemFile.load(file));
        String m = e.getMessage();
        assertTrue(m.startsWith(file.toString()), "names the file: " + m);
        assertTrue(m.contains(expected), "expected '" + expected + "' in: " + m);
        assertTrue(
                !m.contains("Source:") && !m.contains("StreamReadFeature"),
                "no parser internals: " + m);
    }

    private Path write(String name, String json) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, json);
        return f;
    }

    @Test
    void namesInAnyScriptAreAcceptedAndFileNamesBecomePlainNames() throws IOException {
        String body =
                "\"domain\": {\"type\": \"box\", \"lo\": [0, 0], \"hi\": [1, 1]}, \"pde\": {\"f\": \"1\"}, "
                        + "\"boundary\": [{\"type\": \"dirichlet\", \"g\": \"0\"}]";
        assertEquals(
                "Poisson-Ω_ö.1",
                ProblemFile.load(write("a.json", "{\"name\": \"Poisson-Ω_ö.1\", " + body + "}"))
                        .name());
        assertEquals(
                "my_problem__1_",
                ProblemFile.load(write("my problem (1).json", "{" + body + "}")).name());
    }

    @Test
    void aNeumannEigenproblemIsNotSilentlyChanged() throws IOException {
        // 'eigen' beside a boundary is refused (see the corpus); without the extra fields it loads
        // as the Dirichlet eigenproblem.
        ProblemSpec s =
                ProblemFile.load(
                        write(
                                "e.json",
                                "{\"eigen\": true, \"exact_eigenvalue\": 19.739, "
                                        + "\"domain\": {\"type\": \"box\", \"lo\": [0, 0], \"hi\": [1, 1]}}"));
        assertTrue(s.problem() instanceof EigenProblem);
    }

    @Test
    void sphericalCoordinatesIn3dAndPolarIn2d() throws IOException {
        String ball =
                "{\"domain\": {\"type\": \"ball\", \"center\": [0, 0, 0], \"radius\": 1}, \"pde\": {\"f\": \"6\"}, "
                        + "\"boundary\": [{\"type\": \"dirichlet\", \"g\": \"0\"}], \"exact\": \"(1 - r^2) * cos(theta) + 0*phi\"}";
        PoissonProblem p = (PoissonProblem) ProblemFile.load(write("b.json", ball)).problem();
        // At (0, 0.6, 0.8): r = 1, theta = acos(0.8); at (0, 0, -0.5): theta = pi.
        double[] v =
                p.exact()
                        .at(
                                org.implicitlayers.core.Tensor.of(
                                        new double[] {0, 0.3, 0.4, 0, 0, -0.5}, 2, 3))
                        .toDoubleArray();
        assertEquals((1 - 0.25) * 0.8, v[0], 1e-12);
        assertEquals((1 - 0.25) * -1, v[1], 1e-12);
        String disk =
                "{\"domain\": {\"type\": \"ball\", \"center\": [0, 0], \"radius\": 1}, \"pde\": {\"f\": \"1\"}, "
                        + "\"boundary\": [{\"type\": \"dirichlet\", \"g\": \"0\"}], \"exact\": \"theta\"}";
        PoissonProblem q = (PoissonProblem) ProblemFile.load(write("d.json", disk)).problem();
        double[] t =
                q.exact()
                        .at(
                                org.implicitlayers.core.Tensor.of(
                                        new double[] {-0.5, 0.0, 0.0, -0.5}, 2, 2))
                        .toDoubleArray();
        assertEquals(
                Math.PI, t[0], 1e-12, "theta is pi on the negative x axis: the range is (-pi, pi]");
        assertEquals(-Math.PI / 2, t[1], 1e-12);
    }
}
