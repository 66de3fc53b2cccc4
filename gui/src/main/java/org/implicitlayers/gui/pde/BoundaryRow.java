package org.implicitlayers.gui.pde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import org.implicitlayers.ritz.ProblemFile.Keys;

/**
 * One boundary condition of the form: its type, g, alpha for Robin, and the optional "where"
 * selecting part of the boundary.
 */
final class BoundaryRow extends GridPane {
    final ComboBox<String> type = new ComboBox<>();
    final FormulaField g;
    final FormulaField alpha;
    final FormulaField where;
    final Button remove = new Button("Remove");

    BoundaryRow(int index) {
        String id = "bc" + index;
        setId(id);
        setHgap(6);
        setVgap(3);
        type.setId(id + "-type");
        type.getItems().addAll(Keys.BC_DIRICHLET, Keys.BC_NEUMANN, Keys.BC_ROBIN);
        type.setValue(Keys.BC_DIRICHLET);
        type.setTooltip(
                new Tooltip(
                        "dirichlet: u = g;  neumann: a du/dn = g;  robin: a du/dn + alpha u = g. Default: dirichlet."));
        g = new FormulaField(id + "-g", false, "The boundary value g (default 0).");
        g.setText("0");
        alpha =
                new FormulaField(
                        id + "-alpha",
                        false,
                        "Robin coefficient alpha in a du/dn + alpha u = g (default 1).");
        alpha.setText("1");
        where =
                new FormulaField(
                        id + "-where",
                        true,
                        "Optional: this condition holds where this formula is positive (e.g. '0.75 - r'); "
                                + "conditions are tried in order, so leave the last one empty to cover the rest. Default: empty (everywhere).");
        remove.setTooltip(new Tooltip("Remove this condition"));
        addRow(0, new Label("type"), type, remove);
        addRow(1, new Label("g"), g);
        addRow(2, new Label("alpha"), alpha);
        addRow(3, new Label("where"), where);
        GridPane.setColumnSpan(g, 2);
        GridPane.setColumnSpan(alpha, 2);
        GridPane.setColumnSpan(where, 2);
        alpha.visibleProperty().bind(type.valueProperty().isEqualTo(Keys.BC_ROBIN));
        alpha.managedProperty().bind(alpha.visibleProperty());
        getChildren().stream()
                .filter(n -> n instanceof Label l && l.getText().equals("alpha"))
                .forEach(
                        n -> {
                            n.visibleProperty().bind(alpha.visibleProperty());
                            n.managedProperty().bind(alpha.visibleProperty());
                        });
    }

    void setDimension(int d) {
        g.setDimension(d);
        alpha.setDimension(d);
        where.setDimension(d);
    }

    BooleanBinding validBinding() {
        return Bindings.createBooleanBinding(
                () ->
                        g.validProperty().get()
                                && where.validProperty().get()
                                && (!Keys.BC_ROBIN.equals(type.getValue())
                                        || alpha.validProperty().get()),
                g.validProperty(),
                where.validProperty(),
                alpha.validProperty(),
                type.valueProperty());
    }

    void toJson(ObjectNode b) {
        b.put(Keys.BC_TYPE, type.getValue());
        if (Keys.BC_ROBIN.equals(type.getValue())) {
            b.put(Keys.BC_ALPHA, alpha.text());
        }
        b.put(Keys.BC_G, g.text());
        if (!where.text().isEmpty()) {
            b.put(Keys.BC_WHERE, where.text());
        }
    }

    void fromJson(JsonNode b) {
        type.setValue(b.path(Keys.BC_TYPE).asText(Keys.BC_DIRICHLET));
        g.setText(b.has(Keys.BC_G) ? b.get(Keys.BC_G).asText() : "0");
        alpha.setText(b.has(Keys.BC_ALPHA) ? b.get(Keys.BC_ALPHA).asText() : "1");
        where.setText(b.has(Keys.BC_WHERE) ? b.get(Keys.BC_WHERE).asText() : "");
    }
}
