package org.implicitlayers.gui.pde;

import java.util.Locale;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;

/**
 * A text field for a number (an integer or a real, with a lower bound), red while it does not hold
 * one.
 */
final class NumberField extends TextField {
    private final boolean integer;
    private final double min;
    private final boolean minInclusive;
    private final ReadOnlyBooleanWrapper valid = new ReadOnlyBooleanWrapper(true);

    /**
     * @param id node id
     * @param integer whole numbers only
     * @param min the lower bound
     * @param minInclusive whether the bound itself is allowed
     * @param help tooltip: what the number means and its default
     */
    NumberField(String id, boolean integer, double min, boolean minInclusive, String help) {
        this.integer = integer;
        this.min = min;
        this.minInclusive = minInclusive;
        setId(id);
        setPrefColumnCount(7);
        setTooltip(new Tooltip(help));
        textProperty().addListener((o, a, b) -> check());
        check();
    }

    double value() {
        return Double.parseDouble(getText().trim());
    }

    int intValue() {
        return (int) value();
    }

    void set(double v) {
        setText(integer ? Long.toString((long) v) : format(v));
    }

    static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString((long) v);
        }
        String s = String.format(Locale.ROOT, "%.6g", v);
        return s.contains("e") ? s.replaceFirst("\\.?0+e", "e") : s.replaceFirst("\\.?0+$", "");
    }

    ReadOnlyBooleanProperty validProperty() {
        return valid.getReadOnlyProperty();
    }

    /** What is wrong with the text, or null. */
    String problem() {
        String t = getText().trim();
        double v;
        try {
            v = Double.parseDouble(t);
        } catch (NumberFormatException e) {
            return "expected " + (integer ? "a whole number" : "a number") + ", got '" + t + "'";
        }
        if (!Double.isFinite(v) || (integer && v != Math.rint(v))) {
            return "expected "
                    + (integer ? "a whole number" : "a finite number")
                    + ", got '"
                    + t
                    + "'";
        }
        if (v < min || (!minInclusive && v == min)) {
            return "expected a number "
                    + (minInclusive ? "at least " : "above ")
                    + format(min)
                    + ", got "
                    + t;
        }
        return null;
    }

    private void check() {
        String p = problem();
        valid.set(p == null);
        setStyle(
                p == null
                        ? ""
                        : "-fx-border-color: #b00020; -fx-border-width: 1.5; -fx-background-color: #fff4f4;");
    }
}
