package org.implicitlayers.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's "Use it from your project" shows exactly the POM and program that the template
 * build (src/it/first-program, run by the invoker in `mvn verify`) compiles, tests and runs.
 */
class ReadmeTemplateTest {
    private static final Path PROJECT = Path.of("src", "it", "first-program");

    private static String section() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        int start = readme.indexOf("## Use it from your project");
        assertTrue(start >= 0, "README.md has a section 'Use it from your project'");
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
        String pom = Files.readString(PROJECT.resolve("pom.xml")).replace("@project.version@", version);
        assertEquals(pom, block(section(), "xml"));
        assertTrue(section().contains("version `" + version + "`"), "the README names version " + version);
    }

    @Test
    void theReadmeProgramIsTheTemplateProgram() throws IOException {
        String program = Files.readString(PROJECT.resolve("src/main/java/com/example/FirstProgram.java"));
        assertEquals(program, block(section(), "java"));
    }
}
