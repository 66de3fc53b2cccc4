package org.implicitlayers.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The command line is checked before the display: a wrong option or demo is reported as such on a
 * machine without one.
 */
class MainOptionsTest {
    /**
     * Runs the checks with no DISPLAY and no WAYLAND_DISPLAY; returns the exit code (-1: would
     * start JavaFX) and stderr.
     */
    private static String[] withoutDisplay(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code =
                Main.beforeLaunch(
                        args,
                        name -> null,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {Integer.toString(code), err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void aWrongOptionOrDemoIsReportedBeforeTheMissingDisplay() {
        String[] r = withoutDisplay("--bogus");
        assertEquals("2", r[0], r[1]);
        assertTrue(r[1].contains("unknown option '--bogus'") && !r[1].contains("no display"), r[1]);
        r = withoutDisplay("--demo", "foo");
        assertEquals("2", r[0], r[1]);
        assertTrue(r[1].contains("--demo foo: available demos: poisson, sdf, node"), r[1]);
        r = withoutDisplay("--demo=poisson", "--steps", "ten");
        assertEquals("2", r[0], r[1]);
        assertTrue(r[1].contains("--steps ten: expected a positive whole number"), r[1]);
    }

    @Test
    void rightOptionsGoOnToTheDisplayCheck() {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")
                || "monocle".equals(System.getProperty("glass.platform"))) {
            return; // the display check applies to Linux without Monocle only
        }
        String[] r = withoutDisplay("--demo", "sdf", "--steps", "20", "--screenshot", "s.png");
        assertEquals("1", r[0], r[1]);
        assertTrue(r[1].contains("no display"), r[1]);
    }

    @Test
    void eachOptionTakesOneValueOnce() {
        assertNull(
                Main.check(
                        List.of(
                                "--open",
                                "a.json",
                                "--demo=poisson",
                                "--steps",
                                "5",
                                "--screenshot",
                                "s.png")));
        assertEquals("--open needs a value", Main.check(List.of("--open")));
        assertEquals(
                "--demo is given twice", Main.check(List.of("--demo", "sdf", "--demo", "node")));
        assertTrue(Main.check(List.of("file.json")).startsWith("unexpected argument 'file.json'"));
        assertEquals(
                "--screenshot applies to a --demo run only",
                Main.check(List.of("--screenshot", "s.png")));
    }

    @Test
    void theOpenGlPipelineIsAskedForUnlessTheUserChose() {
        java.util.Properties none = new java.util.Properties();
        Main.defaultPipeline(none);
        assertEquals("true", none.getProperty("prism.forceGPU"));
        java.util.Properties chosen = new java.util.Properties();
        chosen.setProperty("prism.forceGPU", "false");
        Main.defaultPipeline(chosen);
        assertEquals("false", chosen.getProperty("prism.forceGPU"), "the user's choice stands");
    }
}
