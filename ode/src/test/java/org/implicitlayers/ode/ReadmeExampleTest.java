package org.implicitlayers.ode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's neural ODE program, exactly as written there, compiles, runs and learns. */
class ReadmeExampleTest {
    @TempDir Path dir;

    static String example() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher m =
                Pattern.compile("<!-- neural-ode-example -->\\s*```java\\n(.*?)```", Pattern.DOTALL)
                        .matcher(readme);
        assertTrue(m.find(), "README.md has the neural ODE example block");
        return m.group(1);
    }

    @Test
    void readmeProgramIsAtMostThirtyLinesCompilesAndLearns() throws Exception {
        String src = example();
        assertTrue(
                src.lines().count() <= 30,
                "the README program has " + src.lines().count() + " lines");
        Path file = dir.resolve("NeuralOdeExample.java");
        Files.writeString(file, src);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc =
                javac.run(
                        null,
                        null,
                        err,
                        "-cp",
                        System.getProperty("java.class.path"),
                        "-d",
                        dir.toString(),
                        file.toString());
        assertEquals(0, rc, "javac: " + err.toString(StandardCharsets.UTF_8));
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try (URLClassLoader cl =
                new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            Method main = cl.loadClass("NeuralOdeExample").getMethod("main", String[].class);
            main.invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(old);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        List<Double> losses =
                Pattern.compile("loss (\\S+)")
                        .matcher(printed)
                        .results()
                        .map(r -> Double.parseDouble(r.group(1)))
                        .toList();
        assertEquals(4, losses.size(), printed);
        assertTrue(
                losses.get(3) < 0.2 * losses.get(0) && losses.get(3) < 1e-2,
                "the loss falls: " + printed);
        // The learned y(6) is close to the exact one (extrapolation beyond the training window).
        Matcher v =
                Pattern.compile("learned \\[([^,]+), ([^\\]]+)\\], exact \\[([^,]+), ([^\\]]+)\\]")
                        .matcher(printed);
        assertTrue(v.find(), printed);
        double d =
                Math.hypot(
                        Double.parseDouble(v.group(1)) - Double.parseDouble(v.group(3)),
                        Double.parseDouble(v.group(2)) - Double.parseDouble(v.group(4)));
        assertTrue(d < 0.2, "learned and exact y(6) differ by " + d + ": " + printed);
    }
}
