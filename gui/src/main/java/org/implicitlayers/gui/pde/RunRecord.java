package org.implicitlayers.gui.pde;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import org.implicitlayers.gui.common.LossHistory;
import org.implicitlayers.ritz.SolutionGrid;

/** One run of the session as the runs table lists it, with what is needed to show its figures again. */
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
        m.forEach((k, v) -> metrics.computeIfAbsent(k, x -> new ArrayList<>()).add(new double[] {step, v}));
    }

    String name() {
        return problem.path("name").asText();
    }

    /** Method, boundary treatment, network and optimiser in a few words. */
    String settings() {
        var n = problem.path("network");
        var o = problem.path("optimizer");
        return problem.path("method").asText() + ", " + problem.path("bc").asText() + " bc, " + n.path("type").asText() + " "
                + n.path("width").asInt() + "x" + n.path("depth").asInt() + " " + n.path("activation").asText() + ", Adam "
                + o.path("steps").asInt() + " lr " + NumberField.format(o.path("lr").asDouble())
                + (o.path("lbfgs").asInt() > 0 ? " + L-BFGS " + o.path("lbfgs").asInt() : "") + ", " + problem.path("sampling").path("method").asText()
                + ", " + problem.path("dtype").asText() + ", seed " + problem.path("seed").asLong();
    }
}
