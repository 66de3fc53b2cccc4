package org.implicitlayers.gui.pde;

import javafx.scene.control.Label;
import javafx.scene.layout.StackPane;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.fx.ChartViewer;

/**
 * A chart viewer (hover, zoom with the mouse, a context menu to save the chart) with a message in
 * its place while there is no chart.
 */
final class ChartPane extends StackPane {
    final ChartViewer viewer = new ChartViewer(null);
    final Label placeholder = new Label();

    ChartPane(String id, String emptyMessage) {
        setId(id);
        viewer.setId(id + "-chart");
        placeholder.setId(id + "-placeholder");
        placeholder.setWrapText(true);
        placeholder.setStyle("-fx-text-fill: #555555;");
        setMinSize(200, 160);
        getChildren().addAll(placeholder, viewer);
        clear(emptyMessage);
    }

    /** Shows the chart, or the placeholder when it is null. */
    void show(JFreeChart chart) {
        if (chart == null) {
            clear(placeholder.getText());
            return;
        }
        viewer.setChart(chart);
        viewer.setVisible(true);
        placeholder.setVisible(false);
    }

    void clear(String message) {
        placeholder.setText(message);
        placeholder.setVisible(true);
        viewer.setVisible(false);
    }

    /** The chart on show, or null. */
    JFreeChart chart() {
        return viewer.isVisible() ? viewer.getChart() : null;
    }
}
