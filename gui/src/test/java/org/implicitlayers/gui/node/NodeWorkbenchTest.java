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
        // The phase plane holds the true and the learned trajectory (1000 points each) and the arrows of the learned field.
        XYPlot phase = (XYPlot) bench.phase.getChart().getPlot();
        assertEquals(2, phase.getDataset().getSeriesCount());
        assertEquals(1000, phase.getDataset().getItemCount(1));
        assertFalse(phase.getAnnotations().isEmpty(), "vector field arrows");
        // The loss curves hold one batch loss per step and at least the final full-trajectory loss.
        XYPlot loss = (XYPlot) ((org.jfree.chart.plot.CombinedDomainXYPlot) bench.curves.getChart().getPlot()).getSubplots().get(0);
        assertEquals(6, loss.getDataset().getItemCount(0));
        assertTrue(loss.getDataset().getSeriesCount() == 2 && loss.getDataset().getItemCount(1) >= 1);
        assertNotNull(bench.time.getChart());
        assertFalse(robot.lookup("#node-run").queryButton().isDisabled());
    }
}
