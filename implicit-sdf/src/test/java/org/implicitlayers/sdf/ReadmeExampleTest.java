package org.implicitlayers.sdf;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.implicitlayers.sdf.io.GeometryReader;
import org.implicitlayers.sdf.io.ShapeData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's neural SDF program, exactly as written there, compiles, runs and meshes the torus.
 */
class ReadmeExampleTest {
    @TempDir Path dir;

    static String example() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher m =
                Pattern.compile("<!-- neural-sdf-example -->\\s*```java\\n(.*?)```", Pattern.DOTALL)
                        .matcher(readme);
        assertTrue(m.find(), "README.md has the neural SDF example block");
        return m.group(1);
    }

    @Test
    void readmeProgramCompilesFitsTheTorusAndWritesItsMesh() throws Exception {
        String src = example();
        assertTrue(
                src.lines().count() <= 30,
                "the README program has " + src.lines().count() + " lines");
        Path file = dir.resolve("NeuralSdfExample.java");
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
        Path mesh = dir.resolve("torus.ply");
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try (URLClassLoader cl =
                new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            Method main = cl.loadClass("NeuralSdfExample").getMethod("main", String[].class);
            main.invoke(null, (Object) new String[] {mesh.toString()});
        } finally {
            System.setOut(old);
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        // The torus (R = 0.6, r = 0.25 before normalisation to the unit ball): the origin lies in
        // its hole, outside.
        Matcher f = Pattern.compile("f\\(0, 0, 0\\) = (\\S+),").matcher(printed);
        assertTrue(f.find(), printed);
        assertTrue(
                Double.parseDouble(f.group(1)) > 0, "the origin is outside the torus: " + printed);
        Matcher c = Pattern.compile("chamfer=(\\S+?),").matcher(printed);
        assertTrue(c.find(), printed);
        assertTrue(
                Double.parseDouble(c.group(1)) < 0.03,
                "Chamfer distance after 300 steps: " + printed);
        ShapeData written = GeometryReader.read(mesh);
        assertTrue(
                written.faces().length > 300,
                "the mesh file holds the torus: " + written.faces().length / 3 + " triangles");
    }
}
