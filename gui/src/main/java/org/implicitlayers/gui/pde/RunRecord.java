package org.implicitlayers.gui.pde;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.implicitlayers.gui.common.LossHistory;
import org.implicitlayers.ritz.ProblemFile.Keys;
import org.implicitlayers.ritz.SolutionGrid;

/**
 * One run of the session as the runs table lists it, with what is needed to show its figures again.
 */
final class RunRecord {
    final int index;
    final ObjectNode problem;
    final PdeRun run;
    final StringProperty status = new SimpleStringProperty("running");
    final StringProperty steps = new SimpleStringProperty("0");
    final StringProperty seconds = new SimpleStringProperty("");
    final StringProperty relL2 = new SimpleStringProperty("");
    final StringProperty relH1 = new SimpleStringProperty("");
    final LossHistory losses = new LossHistory();
    final Map<String, List<double[]>> metrics = new LinkedHashMap<>();
    SolutionGrid grid;
    List<double[]> outline = List.of();

    RunRecord(int index, ObjectNode problem, PdeRun run) {
        this.index = index;
        this.problem = problem;
        this.run = run;
    }

    void addMetrics(long step, Map<String, Double> m) {
        m.forEach(
                (k, v) ->
                        metrics.computeIfAbsent(k, x -> new ArrayList<>())
                                .add(new double[] {step, v}));
    }

    String name() {
        return problem.path(Keys.NAME).asText();
    }

    /** Method, boundary treatment, network and optimiser in a few words. */
    String settings() {
        var n = problem.path(Keys.NETWORK);
        var o = problem.path(Keys.OPTIMIZER);
        return problem.path(Keys.METHOD).asText()
                + ", "
                + problem.path(Keys.BC).asText()
                + " bc, "
                + n.path(Keys.NETWORK_TYPE).asText()
                + " "
                + n.path(Keys.NETWORK_WIDTH).asInt()
                + "x"
                + n.path(Keys.NETWORK_DEPTH).asInt()
                + " "
                + n.path(Keys.NETWORK_ACTIVATION).asText()
                + ", Adam "
                + o.path(Keys.OPTIMIZER_STEPS).asInt()
                + " lr "
                + NumberField.format(o.path(Keys.OPTIMIZER_LR).asDouble())
                + (o.path(Keys.OPTIMIZER_LBFGS).asInt() > 0
                        ? " + L-BFGS " + o.path(Keys.OPTIMIZER_LBFGS).asInt()
                        : "")
                + ", "
                + problem.path(Keys.SAMPLING).path(Keys.SAMPLING_METHOD).asText()
                + ", "
                + problem.path(Keys.DTYPE).asText()
                + ", seed "
                + problem.path(Keys.SEED).asLong();
    }
}
