package org.implicitlayers.gui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * {@code gui --demo ... --open FILE}: the demo runs that file, and a file it cannot read ends it
 * with status 1 naming the file.
 */
@ExtendWith(ApplicationExtension.class)
class WorkbenchAppTest {
    @TempDir Path tmp;

    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
    }

    /**
     * The exit status and message of a demo started with these arguments, and the app (to look at
     * what it ran).
     */
    private record Ended(int status, String why) {}

    private Ended demo(FxRobot robot, WorkbenchApp app, long seconds, String... args)
            throws Exception {
        CompletableFuture<Ended> ended = new CompletableFuture<>();
        robot.interact(
                () -> {
                    try {
                        app.start(
                                stage,
                                List.of(args),
                                (status, why) -> ended.complete(new Ended(status, why)));
                    } catch (java.io.IOException e) {
                        ended.completeExceptionally(e);
                    }
                });
        return ended.get(seconds, TimeUnit.SECONDS);
    }

    @Test
    void theDemoRunsTheOpenedProblemFileNotTheBuiltInSquare(FxRobot robot) throws Exception {
        // A small annulus problem (fast on a busy machine); its name and domain differ from the
        // built-in square's.
        Path file = tmp.resolve("small-annulus.json");
        Files.writeString(
                file,
                """
                {"name": "small-annulus", "domain": {"type": "annulus", "r1": 0.5, "r2": 1.0},
                 "pde": {"f": "4"}, "boundary": [{"type": "dirichlet", "g": "0"}],
                 "network": {"type": "resnet", "width": 8, "depth": 1, "activation": "tanh"},
                 "sampling": {"interior": 128, "boundary": 64}, "eval_every": 10}
                """);
        WorkbenchApp app = new WorkbenchApp();
        Ended e =
                demo(
                        robot,
                        app,
                        240,
                        "--demo",
                        "poisson",
                        "--open",
                        file.toString(),
                        "--steps",
                        "12");
        assertEquals(0, e.status(), e.why());
        assertTrue(app.pdeWorkbench().lastRunSucceeded());
        var ran = app.pdeWorkbench().shownProblem();
        assertEquals("small-annulus", ran.get("name").asText());
        assertEquals("annulus", ran.get("domain").get("type").asText());
        assertEquals(0.5, ran.get("domain").get("r1").asDouble());
        assertEquals(12, app.pdeWorkbench().shownSteps(), "--steps limits the demo");
    }

    @Test
    void aBrokenFileEndsTheDemoWithStatusOneNamingTheFile(FxRobot robot) throws Exception {
        Path broken = tmp.resolve("broken.json");
        Files.writeString(
                broken,
                "{\"name\": \"x\", \"domain\": {\"type\": \"box\", \"lo\": [0, 0], \"hi\": [1, 1]},\n \"pde\": {\"f\": \"1\"");
        WorkbenchApp app = new WorkbenchApp();
        Ended e = demo(robot, app, 60, "--demo", "poisson", "--open", broken.toString());
        assertEquals(1, e.status());
        assertTrue(e.why().contains(broken.toString()) && e.why().contains("line 2"), e.why());
        assertNull(app.pdeWorkbench().shownProblem(), "nothing ran");
    }

    @Test
    void aMissingOrInvalidFileEndsTheDemoWithStatusOneNamingTheFile(FxRobot robot)
            throws Exception {
        Path missing = tmp.resolve("missing.json");
        Ended e =
                demo(
                        robot,
                        new WorkbenchApp(),
                        60,
                        "--demo",
                        "poisson",
                        "--open",
                        missing.toString());
        assertEquals(1, e.status());
        assertTrue(e.why().contains(missing.toString()), e.why());
        // Valid JSON that is no problem the library can solve: the field is named, with the file.
        Path bad = tmp.resolve("bad-domain.json");
        Files.writeString(
                bad,
                "{\"name\": \"x\", \"domain\": {\"type\": \"hexagon\"}, \"pde\": {\"f\": \"1\"}}");
        WorkbenchApp app = new WorkbenchApp();
        e = demo(robot, app, 60, "--demo", "poisson", "--open", bad.toString());
        assertEquals(1, e.status());
        assertTrue(e.why().contains(bad.toString()) && e.why().contains("domain"), e.why());
        assertNull(app.pdeWorkbench().shownProblem(), "nothing ran");
        // A file of another workbench's kind is refused for this demo.
        e = demo(robot, new WorkbenchApp(), 60, "--demo", "poisson", "--open", "series.csv");
        assertEquals(1, e.status());
        assertTrue(e.why().contains("series.csv") && e.why().contains(".json"), e.why());
    }
}
