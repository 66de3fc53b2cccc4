package org.implicitlayers.gui.pde;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.VBox;
import org.implicitlayers.ritz.problem.Expression;

/**
 * A text field for a formula in x, y (z, r, theta, ...), checked as the user types with the same
 * parser the solver uses: a typo turns the field red, the message below it names the position, and
 * the caret is placed there. {@link #validProperty()} drives the Run button.
 */
final class FormulaField extends VBox {
    private static final Pattern AT =
            Pattern.compile("; at position (\\d+)|position (\\d+)|pos (\\d+)");

    private final TextField text = new TextField();
    private final Label message = new Label();
    private final ReadOnlyBooleanWrapper valid = new ReadOnlyBooleanWrapper(true);
    private final boolean optional;
    private int dim = 2;

    /**
     * @param id node id (for tests and styling)
     * @param optional whether an empty field is allowed (an absent exact solution)
     * @param help tooltip text: what the formula is and its default
     */
    FormulaField(String id, boolean optional, String help) {
        this.optional = optional;
        setId(id);
        text.setId(id + "-text");
        message.setId(id + "-error");
        message.setWrapText(true);
        message.setStyle(
                "-fx-text-fill: #b00020; -fx-font-size: 11px; -fx-font-family: monospace;");
        message.setManaged(false);
        message.setVisible(false);
        text.setTooltip(
                new Tooltip(
                        help
                                + "\nVariables: x, y (and z, or x1..xn in higher dimensions), r, theta; constants pi, e;"
                                + " functions sin, cos, tan, exp, log, sqrt, abs, heaviside, ... Multiplication is written with *."));
        text.textProperty().addListener((o, a, b) -> check());
        getChildren().addAll(text, message);
        setSpacing(2);
        check();
    }

    /** The number of coordinates the formula may use (2 for the plane). */
    void setDimension(int d) {
        dim = d;
        check();
    }

    String text() {
        return text.getText().trim();
    }

    void setText(String s) {
        text.setText(s == null ? "" : s);
    }

    TextField field() {
        return text;
    }

    ReadOnlyBooleanProperty validProperty() {
        return valid.getReadOnlyProperty();
    }

    /**
     * The error message (empty when the formula parses); it changes also while the formula stays
     * invalid.
     */
    javafx.beans.value.ObservableValue<String> errorProperty() {
        return message.textProperty();
    }

    /** The current error message, empty when the formula parses. */
    String error() {
        return message.getText();
    }

    private void check() {
        String s = text();
        String err = null;
        if (s.isEmpty()) {
            err = optional ? null : "required: a formula or a number";
        } else {
            try {
                Expression.parse(s, dim);
            } catch (IllegalArgumentException e) {
                err = e.getMessage();
            }
        }
        // The message first: listeners of validity read it (the workbench's "Cannot run: ..."
        // line).
        message.setText(err == null ? "" : describe(err));
        valid.set(err == null);
        message.setVisible(err != null);
        message.setManaged(err != null);
        text.setStyle(
                err == null
                        ? ""
                        : "-fx-border-color: #b00020; -fx-border-width: 1.5; -fx-background-color: #fff4f4;");
    }

    /** The 0-based position a parser message points at, or -1. */
    static int position(String msg) {
        Matcher m = AT.matcher(msg);
        int pos = -1;
        while (m.find()) {
            String g =
                    m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            pos = Integer.parseInt(g);
            if (m.group(1) != null) {
                break;
            }
        }
        return pos;
    }

    /**
     * The parser's message without its list of known names, with the column it points at and the
     * formula with a caret under that column.
     */
    private static String describe(String msg) {
        String[] lines = msg.split("\n");
        String first = lines[0];
        int k = first.indexOf(" (known names");
        if (k > 0) {
            first = first.substring(0, k);
        }
        int pos = position(msg);
        StringBuilder b = new StringBuilder(first);
        if (pos >= 0) {
            b.append(" (column ").append(pos + 1).append(')');
        }
        for (int i = 1; i < lines.length; i++) {
            String l = lines[i];
            int kk = l.indexOf(" (known names");
            b.append('\n').append(kk >= 0 ? l.substring(0, kk) : l);
        }
        return b.toString();
    }
}
