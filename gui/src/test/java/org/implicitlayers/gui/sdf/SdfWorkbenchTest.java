package org.implicitlayers.gui.sdf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.implicitlayers.plot.Segments;
import org.jfree.chart.plot.XYPlot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The SDF workbench driven through its controls, headless (Monocle: no 3-D view, the rest as on
 * screen).
 */
@ExtendWith(ApplicationExtension.class)
class SdfWorkbenchTest {
    private SdfWorkbench bench;

    @Start
    void start(Stage stage) {
        bench = new SdfWorkbench();
        stage.setScene(new Scene(bench, 1300, 850));
        stage.show();
    }

    @Test
    void aShortFitOfTheSphereExtractsAMeshAndDrawsTheSliceWithItsZeroContour(
            FxRobot robot, @TempDir Path tmp) throws Exception {
        robot.interact(
                () -> {
                    bench.cloudName.setValue("sphere");
                    bench.points.setText("500");
                    bench.width.setText("16");
                    bench.depth.setText("2");
                    bench.resolution.setText("24");
                });
        robot.clickOn("#sdf-steps").eraseText(3).write("30");
        robot.clickOn("#sdf-run");
        WaitForAsyncUtils.waitFor(180, TimeUnit.SECONDS, () -> !bench.runningProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals("done", bench.lastResult(), bench.message.getText());
        assertNotNull(bench.mesh());
        assertTrue(bench.mesh().faceCount() > 100, "faces " + bench.mesh().faceCount());
        XYPlot slice = (XYPlot) bench.slice.getChart().getPlot();
        assertTrue(
                slice.getAnnotations().stream().anyMatch(a -> a instanceof Segments),
                "zero contour drawn");
        Path obj = tmp.resolve("sphere.obj");
        robot.interact(
                () -> {
                    try {
                        bench.exportMesh(obj);
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
        assertTrue(Files.readString(obj).contains("\nf "), "an OBJ with faces");
    }
}
