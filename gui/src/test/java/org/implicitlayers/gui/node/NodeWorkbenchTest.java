package org.implicitlayers.gui.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.jfree.chart.plot.XYPlot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The neural ODE workbench driven through its controls, headless (Monocle). */
@ExtendWith(ApplicationExtension.class)
class NodeWorkbenchTest {
    private NodeWorkbench bench;

    @Start
    void start(Stage stage) {
        bench = new NodeWorkbench();
        stage.setScene(new Scene(bench, 1300, 850));
        stage.show();
    }

    @Test
    void aShortTrainingDrawsTheLearnedTrajectoryAndItsLosses(FxRobot robot) throws Exception {
        robot.clickOn("#node-iters").eraseText(3).write("6");
        robot.interact(() -> bench.gradient.setValue("direct"));
        robot.clickOn("#node-run");
        WaitForAsyncUtils.waitFor(180, TimeUnit.SECONDS, () -> !bench.runningProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("done", bench.lastResult(), bench.message.getText());
        // The phase plane holds the true and the learned trajectory (1000 points each) and the
        // arrows of the learned field.
        XYPlot phase = (XYPlot) bench.phase.getChart().getPlot();
        assertEquals(2, phase.getDataset().getSeriesCount());
        assertEquals(1000, phase.getDataset().getItemCount(1));
        assertFalse(phase.getAnnotations().isEmpty(), "vector field arrows");
        // The loss curves hold one batch loss per step and at least the final full-trajectory loss.
        XYPlot loss =
                (XYPlot)
                        ((org.jfree.chart.plot.CombinedDomainXYPlot)
                                        bench.curves.getChart().getPlot())
                                .getSubplots()
                                .get(0);
        assertEquals(6, loss.getDataset().getItemCount(0));
        assertTrue(
                loss.getDataset().getSeriesCount() == 2 && loss.getDataset().getItemCount(1) >= 1);
        assertNotNull(bench.time.getChart());
        assertFalse(robot.lookup("#node-run").queryButton().isDisabled());
    }

    @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir;

    @Test
    void aTimeSeriesFromACsvFileIsFittedAndDrawnWithItsObservations(FxRobot robot)
            throws Exception {
        // A damped oscillator, x'' = -x - 0.2 x', observed at 40 times with a header.
        StringBuilder csv = new StringBuilder("t,x,v\n");
        double x = 1, v = 0, dt = 0.005;
        for (int i = 0; i < 40; i++) {
            csv.append(String.format(java.util.Locale.ROOT, "%.3f,%.6f,%.6f%n", i * 0.25, x, v));
            for (int k = 0; k < 50; k++) {
                double a = -x - 0.2 * v;
                x += dt * v;
                v += dt * a;
            }
        }
        java.nio.file.Path file =
                java.nio.file.Files.writeString(dir.resolve("oscillator.csv"), csv);
        robot.interact(() -> bench.loadCsv(file));
        assertEquals("oscillator.csv", bench.data.getValue());
        assertTrue(bench.status.getText().contains("oscillator.csv"), bench.status.getText());
        robot.clickOn("#node-iters").eraseText(3).write("20");
        robot.clickOn("#node-run");
        WaitForAsyncUtils.waitFor(180, TimeUnit.SECONDS, () -> !bench.runningProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("done", bench.lastResult(), bench.message.getText());
        assertTrue(
                bench.status.getText().contains("RMSE of the whole series"),
                bench.status.getText());
        // One panel per component, each with the 40 observations and the fitted trajectory at their
        // times.
        var panels =
                ((org.jfree.chart.plot.CombinedDomainXYPlot) bench.time.getChart().getPlot())
                        .getSubplots();
        assertEquals(2, panels.size());
        for (Object o : panels) {
            XYPlot panel = (XYPlot) o;
            assertEquals(2, panel.getDataset().getSeriesCount());
            assertEquals(40, panel.getDataset().getItemCount(0));
            assertEquals(40, panel.getDataset().getItemCount(1));
        }
        XYPlot phase =
                (XYPlot)
                        ((org.jfree.chart.plot.CombinedDomainXYPlot)
                                        bench.phase.getChart().getPlot())
                                .getSubplots()
                                .get(0);
        assertEquals(2, phase.getDataset().getSeriesCount(), "v against x: observed and fitted");
        assertEquals(
                "float64",
                bench.dtype.getValue(),
                "the time-series fit runs in float64, and the precision box says so");
        // A bad file leaves the loaded series in place and says why.
        java.nio.file.Path bad =
                java.nio.file.Files.writeString(dir.resolve("bad.csv"), "t,x\n0,1\n1,oops\n2,3\n");
        robot.interact(() -> bench.loadCsv(bad));
        assertTrue(
                bench.message
                        .getText()
                        .contains("bad.csv:3: column 2 is 'oops', expected a number"),
                bench.message.getText());
        assertEquals("oscillator.csv", bench.data.getValue());
        // Back to the spiral.
        robot.interact(() -> bench.data.setValue("spiral (built in)"));
        assertTrue(bench.status.getText().contains("spiral"), bench.status.getText());
        assertEquals("float32", bench.dtype.getValue());
    }
}
