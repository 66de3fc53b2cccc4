package org.implicitlayers.gui.common;

import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;

/** Small form controls shared by the workbenches. */
public final class Fields {
    private Fields() {}

    /**
     * A short text field for a setting.
     *
     * @param id the node id (tests look controls up by it)
     * @param value the initial text (the setting's default)
     * @param help the tooltip: what the setting does and its default
     * @return the field
     */
    public static TextField text(String id, String value, String help) {
        TextField t = new TextField(value);
        t.setId(id);
        t.setPrefColumnCount(8);
        t.setTooltip(new Tooltip(help));
        return t;
    }
}
