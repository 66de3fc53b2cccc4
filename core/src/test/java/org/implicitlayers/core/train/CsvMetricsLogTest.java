package org.implicitlayers.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The metric logs of a run that is stopped and resumed hold each step's rows once. */
class CsvMetricsLogTest {
    @TempDir Path dir;

    private static void step(CsvMetricsLog log, long step, long total) {
        log.onStep(new Trainer.StepInfo(step, total, 1.0 / step, 1e-3, step * 0.01));
    }

    @Test
    void aStoppedRunsFinalEvaluationIsNotLoggedAgainByTheRunThatResumesThere() throws IOException {
        Path steps = dir.resolve("metrics.csv"), evals = dir.resolve("eval.csv");
        // A run evaluates at step 10, is stopped at step 10 and evaluates its final state (the same
        // step) once more.
        CsvMetricsLog first = new CsvMetricsLog(steps, evals, 1);
        first.onStart(1, 100);
        for (long s = 1; s <= 10; s++) {
            step(first, s, 100);
        }
        first.onEval(10, Map.of("rel_l2", 0.5));
        first.onEval(10, Map.of("rel_l2", 0.5));
        first.onEnd(new Trainer.Result(10, 0.1, true, 0, 0.1));
        assertEquals(
                List.of("step,metric,value", "10,rel_l2,0.500000000"), Files.readAllLines(evals));
        // The resumed run starts at step 11; one that has nothing left to do evaluates step 10
        // again.
        CsvMetricsLog resumed = new CsvMetricsLog(steps, evals, 1);
        resumed.onStart(11, 10);
        resumed.onEval(10, Map.of("rel_l2", 0.5, "rel_h1", 0.7));
        resumed.onEnd(new Trainer.Result(10, 0.1, false, 10, 0));
        List<String> rows = Files.readAllLines(evals);
        assertEquals(3, rows.size(), rows.toString());
        assertEquals(
                1, rows.stream().filter(r -> r.startsWith("10,rel_l2,")).count(), rows.toString());
        assertEquals(
                1,
                rows.stream().filter(r -> r.startsWith("10,rel_h1,")).count(),
                "a metric not logged yet is added: " + rows);
        assertEquals(11, Files.readAllLines(steps).size(), "one row per step");
        // A later step is logged as usual.
        CsvMetricsLog more = new CsvMetricsLog(steps, evals, 1);
        more.onStart(11, 20);
        step(more, 11, 20);
        more.onEval(11, Map.of("rel_l2", 0.4));
        more.onEnd(new Trainer.Result(11, 0.1, false, 10, 0));
        assertEquals("11,rel_l2,0.400000000", Files.readAllLines(evals).get(3));
    }
}
