package org.implicitlayers.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a test's probe class in a fresh JVM with this one's class path (tests only). */
public final class ChildJvm {
    private ChildJvm() {}

    /**
     * Runs {@code main} in a child JVM with {@code jvmArgs}, asserts that it finished within {@code
     * seconds} with exit status 0, and returns its console output (stdout and stderr), trimmed.
     */
    public static String run(Class<?> main, int seconds, String... jvmArgs) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmArgs));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(seconds, TimeUnit.SECONDS), "child JVM finished: " + cmd);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    /** The last line of {@code out}. */
    public static String lastLine(String out) {
        return out.substring(out.lastIndexOf('\n') + 1);
    }
}
