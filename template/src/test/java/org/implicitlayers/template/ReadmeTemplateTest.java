package org.implicitlayers.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Use it from your project" shows exactly the POM and program that the template build
 * (src/it/first-program, run by the invoker in `mvn verify`) compiles, tests and runs.
 */
class ReadmeTemplateTest {
    private static final Path PROJECT = Path.of("src", "it", "first-program");

    @TempDir Path dir;

    private static String section() throws IOException {
        return section("## Use it from your project");
    }

    private static String section(String heading) throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        int start = readme.indexOf(heading + "\n");
        assertTrue(start >= 0, "README.md has a section '" + heading + "'");
        int end = readme.indexOf("\n## ", start + 1);
        return readme.substring(start, end < 0 ? readme.length() : end);
    }

    private static String block(String section, String language) {
        int open = section.indexOf("```" + language + "\n");
        assertTrue(open >= 0, "the section has a ```" + language + " block");
        int from = open + language.length() + 4;
        return section.substring(from, section.indexOf("```", from));
    }

    @Test
    void theReadmePomIsTheTemplatePom() throws IOException {
        String version = System.getProperty("implicitlayers.version");
        String pom =
                Files.readString(PROJECT.resolve("pom.xml")).replace("@project.version@", version);
        assertEquals(pom, block(section(), "xml"));
        assertTrue(
                section().contains("version `" + version + "`"),
                "the README names version " + version);
    }

    /**
     * The list of every artifact names each library module of this build, with its group and the
     * build's version.
     */
    @Test
    void theReadmeListsEveryArtifactWithItsCoordinates() throws IOException {
        String version = System.getProperty("implicitlayers.version");
        String section = section();
        int marker = section.indexOf("<!-- all-artifacts -->");
        assertTrue(marker >= 0, "the section has the list of every artifact");
        String list = block(section.substring(marker), "xml");
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile(
                                "<dependency>(.*?)</dependency>", java.util.regex.Pattern.DOTALL)
                        .matcher(list);
        java.util.List<String> listed = new java.util.ArrayList<>();
        while (m.find()) {
            String dep = m.group(1);
            String artifact = tag(dep, "artifactId");
            assertEquals("org.implicitlayers", tag(dep, "groupId"), artifact);
            assertEquals(version, tag(dep, "version"), artifact);
            String modulePom = Files.readString(Path.of("..", artifact, "pom.xml"));
            String own = modulePom.substring(modulePom.indexOf("</parent>"));
            assertEquals(
                    artifact,
                    tag(own, "artifactId"),
                    "../" + artifact + "/pom.xml declares the artifact");
            assertTrue(section.contains("`" + artifact + "`"), "the text names " + artifact);
            listed.add(artifact);
        }
        assertEquals(
                java.util.List.of(
                        "core",
                        "implicit",
                        "ode",
                        "deep-ritz",
                        "implicit-sdf",
                        "plot",
                        "core-nd4j"),
                listed);
    }

    private static String tag(String xml, String name) {
        int from = xml.indexOf("<" + name + ">");
        assertTrue(from >= 0, "<" + name + "> in " + xml);
        from += name.length() + 2;
        return xml.substring(from, xml.indexOf("</" + name + ">", from)).trim();
    }

    @Test
    void theReadmeProgramIsTheTemplateProgram() throws IOException {
        String program =
                Files.readString(PROJECT.resolve("src/main/java/com/example/FirstProgram.java"));
        assertEquals(program, block(section(), "java"));
    }

    /** The snippet under "Using the core" compiles against the current API and runs. */
    @Test
    void theCoreSnippetCompilesAndRuns() throws Exception {
        String snippet = block(section("## Using the core"), "java");
        String src =
                "import org.implicitlayers.core.*;\n"
                        + "public class CoreSnippet {\n"
                        + "    public static void main(String[] args) {\n"
                        + snippet
                        + "        if (w1.grad() == null || b1.grad() == null || w2.grad() == null) {\n"
                        + "            throw new AssertionError(\"no gradients\");\n"
                        + "        }\n"
                        + "    }\n"
                        + "}\n";
        Path file = dir.resolve("CoreSnippet.java");
        Files.writeString(file, src);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc =
                ToolProvider.getSystemJavaCompiler()
                        .run(
                                null,
                                null,
                                err,
                                "-cp",
                                System.getProperty("java.class.path"),
                                "-d",
                                dir.toString(),
                                file.toString());
        assertEquals(0, rc, "javac: " + err.toString(StandardCharsets.UTF_8) + "\n" + src);
        try (URLClassLoader cl =
                new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            cl.loadClass("CoreSnippet")
                    .getMethod("main", String[].class)
                    .invoke(null, (Object) new String[0]);
        } catch (InvocationTargetException e) {
            throw new AssertionError("the README snippet failed: " + e.getCause(), e.getCause());
        }
    }
}
