package org.implicitlayers.gui.common;

import java.util.Locale;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.value.ObservableBooleanValue;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;

/**
 * The bar below a workbench: Run (enabled while the inputs are valid and nothing runs), Cancel
 * (while something runs), the progress, a status line with the time left, and a red line for
 * errors.
 */
public final class RunControls extends VBox {
    public final Button run;
    public final Button cancel = new Button("Cancel");
    public final ProgressBar progress = new ProgressBar(0);
    public final Label status = new Label();
    public final Label message = new Label();
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(false);

    /**
     * @param idPrefix prefix of the node ids ("" gives "run", "cancel", ...; "node-" gives
     *     "node-run", ...)
     * @param runText the Run button's text
     * @param runHelp its tooltip
     * @param inputsValid whether the inputs allow a run
     */
    public RunControls(
            String idPrefix, String runText, String runHelp, ObservableBooleanValue inputsValid) {
        run = new Button(runText);
        run.setId(idPrefix + "run");
        run.setTooltip(new Tooltip(runHelp));
        cancel.setId(idPrefix + "cancel");
        cancel.setTooltip(
                new Tooltip(
                        "Stop after the current step; what was trained so far is kept and shown."));
        progress.setId(idPrefix + "progress");
        progress.setPrefWidth(260);
        status.setId(idPrefix + "status");
        message.setId(idPrefix + "message");
        message.setWrapText(true);
        // As tall as its wrapped text (a label keeps one line's height otherwise, and cuts the rest
        // off with an ellipsis).
        message.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        message.setStyle("-fx-text-fill: #b00020;");
        status.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        run.disableProperty()
                .bind(
                        javafx.beans.binding.Bindings.not(
                                javafx.beans.binding.Bindings.createBooleanBinding(
                                        () -> inputsValid.get() && !running.get(),
                                        inputsValid,
                                        running)));
        cancel.disableProperty().bind(running.not());
        HBox bar = new HBox(10, run, cancel, progress, status);
        bar.setAlignment(Pos.CENTER_LEFT);
        getChildren().addAll(bar, message);
        setSpacing(4);
        setPadding(new Insets(6, 8, 6, 8));
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    public void setRunning(boolean r) {
        running.set(r);
    }

    /**
     * Progress, and a status "step k of n, {@code what}, s elapsed, s left" from the rate so far.
     */
    public void showProgress(double step, double total, String what, double seconds) {
        progress.setProgress(total > 0 ? step / total : -1);
        double left = step > 0 ? seconds / step * (total - step) : Double.NaN;
        status.setText(
                String.format(
                        Locale.ROOT,
                        "step %.0f of %.0f   %s   %.0f s elapsed, %s left",
                        step,
                        total,
                        what,
                        seconds,
                        Double.isNaN(left) ? "?" : String.format(Locale.ROOT, "%.0f s", left)));
    }
}
