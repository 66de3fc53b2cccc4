package org.implicitlayers.gui.pde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.animation.PauseTransition;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.util.Duration;
import org.implicitlayers.plot.ColourMap;
import org.implicitlayers.plot.Grid2;
import org.implicitlayers.plot.HeatMap;
import org.implicitlayers.ritz.ProblemFile.Keys;
import org.implicitlayers.ritz.domain.Ball;
import org.implicitlayers.ritz.domain.Box;
import org.implicitlayers.ritz.domain.Csg;
import org.implicitlayers.ritz.domain.Domain;
import org.implicitlayers.ritz.domain.Polygon;
import org.implicitlayers.ritz.domain.SlitDisk;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.fx.interaction.ChartMouseEventFX;
import org.jfree.chart.fx.interaction.ChartMouseListenerFX;

/**
 * The domain part of the form: a named shape with its parameters, or a polygon typed or drawn by
 * clicking on the preview, or any domain of the problem-file format as JSON (n-D boxes and balls,
 * unions, intersections, differences). The preview draws the domain to scale.
 */
final class DomainEditor extends VBox {
    static final String BOX = Keys.DOMAIN_BOX,
            BALL = Keys.DOMAIN_BALL,
            ANNULUS = Keys.DOMAIN_ANNULUS,
            LSHAPE = Keys.DOMAIN_L_SHAPE,
            SLIT = Keys.DOMAIN_SLIT_DISK,
            POLYGON = Keys.DOMAIN_POLYGON,
            JSON_TYPE = "other (JSON)";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    final ComboBox<String> type = new ComboBox<>();
    final NumberField x0 = num("domain-x0", "left edge x of the box (default 0)");
    final NumberField x1 = num("domain-x1", "right edge x of the box (default 1)");
    final NumberField y0 = num("domain-y0", "bottom edge y of the box (default 0)");
    final NumberField y1 = num("domain-y1", "top edge y of the box (default 1)");
    final NumberField cx = num("domain-cx", "centre x of the disk (default 0)");
    final NumberField cy = num("domain-cy", "centre y of the disk (default 0)");
    final NumberField radius =
            new NumberField("domain-radius", false, 0, false, "radius of the disk (default 1)");
    final NumberField r1 =
            new NumberField(
                    "domain-r1",
                    false,
                    0,
                    false,
                    "inner radius of the annulus, centred at the origin (default 0.5)");
    final NumberField r2 =
            new NumberField(
                    "domain-r2", false, 0, false, "outer radius of the annulus (default 1)");
    final TextArea vertices = new TextArea();
    final TextArea json = new TextArea();
    private final GridPane params = new GridPane();
    private final Label message = new Label();
    final ChartPane previewPane =
            new ChartPane(
                    "domain-preview",
                    "No preview for this domain: it is checked when the problem runs.");
    private final ChartViewer preview = previewPane.viewer;
    private final ReadOnlyBooleanWrapper valid = new ReadOnlyBooleanWrapper(true);
    private final PauseTransition redraw = new PauseTransition(Duration.millis(250));
    private Runnable onChange = () -> {};

    DomainEditor() {
        setSpacing(6);
        setId("domain");
        type.setId("domain-type");
        type.getItems().addAll(BOX, BALL, ANNULUS, LSHAPE, SLIT, POLYGON, JSON_TYPE);
        type.setTooltip(
                new Tooltip(
                        "The domain: a box, a disk (ball), an annulus around the origin, the L-shape [-1,1]^2 minus"
                                + " the quadrant x > 0, y < 0, the slit disk, a polygon (type its vertices or click them on the preview), or any"
                                + " problem-file domain as JSON (n-D boxes and balls, union / intersection / difference). Default: box [0,1]^2."));
        vertices.setId("domain-vertices");
        vertices.setPrefRowCount(4);
        vertices.setTooltip(
                new Tooltip(
                        "One vertex per line, 'x, y', in order around the polygon. Click on the preview to add one."));
        json.setId("domain-json");
        json.setPrefRowCount(4);
        json.setTooltip(
                new Tooltip(
                        "The \"domain\" object of a problem file, e.g. {\"type\": \"ball\", \"center\": [0, 0, 0], \"radius\": 1}"));
        x0.set(0);
        x1.set(1);
        y0.set(0);
        y1.set(1);
        cx.set(0);
        cy.set(0);
        radius.set(1);
        r1.set(0.5);
        r2.set(1);
        params.setHgap(6);
        params.setVgap(4);
        message.setId("domain-error");
        message.setWrapText(true);
        message.setStyle("-fx-text-fill: #b00020; -fx-font-size: 11px;");
        previewPane.setPrefSize(300, 240);
        previewPane.setMinHeight(200);
        preview.addChartMouseListener(
                new ChartMouseListenerFX() {
                    @Override
                    public void chartMouseClicked(ChartMouseEventFX e) {
                        if (POLYGON.equals(type.getValue())) {
                            double[] p =
                                    ChartCoordinates.data(
                                            preview, e.getTrigger().getX(), e.getTrigger().getY());
                            if (p != null) {
                                String line = String.format(Locale.ROOT, "%.3g, %.3g", p[0], p[1]);
                                vertices.setText(
                                        vertices.getText().isBlank()
                                                ? line
                                                : vertices.getText().stripTrailing() + "\n" + line);
                            }
                        }
                    }

                    @Override
                    public void chartMouseMoved(ChartMouseEventFX e) {}
                });
        Button clear = new Button("Clear vertices");
        clear.setOnAction(e -> vertices.clear());
        clear.visibleProperty().bind(type.valueProperty().isEqualTo(POLYGON));
        clear.managedProperty().bind(clear.visibleProperty());
        type.valueProperty().addListener((o, a, b) -> layoutParams());
        for (javafx.scene.control.TextInputControl t :
                List.of(x0, x1, y0, y1, cx, cy, radius, r1, r2, vertices, json)) {
            t.textProperty().addListener((o, a, b) -> changed());
        }
        type.valueProperty().addListener((o, a, b) -> changed());
        redraw.setOnFinished(e -> drawPreview());
        getChildren()
                .addAll(new HBox(6, new Label("shape"), type, clear), params, message, previewPane);
        type.setValue(BOX);
    }

    private static NumberField num(String id, String help) {
        return new NumberField(id, false, -1e300, true, help);
    }

    void setOnChange(Runnable r) {
        onChange = r;
    }

    BooleanBinding validBinding() {
        return Bindings.createBooleanBinding(valid::get, valid);
    }

    /** The spatial dimension of the current domain (2 unless a JSON domain says otherwise). */
    int dimension() {
        if (!JSON_TYPE.equals(type.getValue())) {
            return 2;
        }
        try {
            JsonNode n = MAPPER.readTree(json.getText());
            for (String f : new String[] {Keys.DOMAIN_LO, Keys.DOMAIN_CENTER}) {
                if (n.has(f) && n.get(f).isArray()) {
                    return n.get(f).size();
                }
            }
            if (Keys.DOMAIN_INTERVAL.equals(n.path(Keys.DOMAIN_TYPE).asText())) {
                return 1;
            }
        } catch (Exception e) {
            // not JSON yet: the message says so
        }
        return 2;
    }

    private void layoutParams() {
        params.getChildren().clear();
        String t = type.getValue();
        if (BOX.equals(t)) {
            params.addRow(0, new Label("x from"), x0, new Label("to"), x1);
            params.addRow(1, new Label("y from"), y0, new Label("to"), y1);
        } else if (BALL.equals(t)) {
            params.addRow(0, new Label("centre x"), cx, new Label("y"), cy);
            params.addRow(1, new Label("radius"), radius);
        } else if (ANNULUS.equals(t)) {
            params.addRow(0, new Label("inner radius"), r1, new Label("outer"), r2);
        } else if (POLYGON.equals(t)) {
            params.addRow(0, vertices);
            GridPane.setColumnSpan(vertices, 4);
        } else if (JSON_TYPE.equals(t)) {
            params.addRow(0, json);
            GridPane.setColumnSpan(json, 4);
        }
    }

    private void changed() {
        String err;
        try {
            toJson();
            build();
            err = null;
        } catch (IllegalArgumentException | IllegalStateException e) {
            err = e.getMessage();
        }
        valid.set(err == null);
        message.setText(err == null ? "" : err.startsWith("domain") ? err : "domain: " + err);
        message.setVisible(err != null);
        message.setManaged(err != null);
        redraw.playFromStart();
        onChange.run();
    }

    /**
     * The domain as the library builds it from these parameters (or from the JSON of any other
     * domain).
     */
    Domain build() {
        String t = type.getValue();
        requireValid();
        switch (t) {
            case BOX:
                if (!(x1.value() > x0.value()) || !(y1.value() > y0.value())) {
                    throw new IllegalArgumentException("a box needs x from < to and y from < to");
                }
                return new Box(
                        new double[] {x0.value(), y0.value()},
                        new double[] {x1.value(), y1.value()});
            case BALL:
                return new Ball(new double[] {cx.value(), cy.value()}, radius.value());
            case ANNULUS:
                if (!(r2.value() > r1.value())) {
                    throw new IllegalArgumentException(
                            "the annulus needs inner radius < outer radius");
                }
                return Csg.annulus(r1.value(), r2.value());
            case LSHAPE:
                return Polygon.lShape();
            case SLIT:
                return new SlitDisk();
            case POLYGON:
                double[][] v = parseVertices();
                if (v.length < 3) {
                    throw new IllegalArgumentException(
                            "a polygon needs at least 3 vertices (click on the preview to add them), got "
                                    + v.length);
                }
                return new Polygon(v);
            default:
                // Any domain a problem file can describe (n-D, unions, differences, ...), built as
                // the library reads it.
                return org.implicitlayers.ritz.ProblemFile.readDomain(toJson(), "domain");
        }
    }

    private void requireValid() {
        for (NumberField f : List.of(x0, x1, y0, y1, cx, cy, radius, r1, r2)) {
            if (f.getParent() != null && f.problem() != null) {
                throw new IllegalArgumentException(
                        f.getId().replace("domain-", "") + ": " + f.problem());
            }
        }
    }

    private double[][] parseVertices() {
        List<double[]> out = new ArrayList<>();
        String[] lines = vertices.getText().split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].trim();
            if (l.isEmpty()) {
                continue;
            }
            String[] p = l.split("[,;\\s]+");
            try {
                if (p.length != 2) {
                    throw new NumberFormatException();
                }
                out.add(new double[] {Double.parseDouble(p[0]), Double.parseDouble(p[1])});
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "vertex line " + (i + 1) + ": expected 'x, y', got '" + l + "'");
            }
        }
        return out.toArray(new double[0][]);
    }

    /** The "domain" object of the problem file. */
    ObjectNode toJson() {
        ObjectNode n = MAPPER.createObjectNode();
        String t = type.getValue();
        switch (t) {
            case BOX:
                n.put(Keys.DOMAIN_TYPE, BOX);
                n.putArray(Keys.DOMAIN_LO).add(x0.value()).add(y0.value());
                n.putArray(Keys.DOMAIN_HI).add(x1.value()).add(y1.value());
                break;
            case BALL:
                n.put(Keys.DOMAIN_TYPE, BALL);
                n.putArray(Keys.DOMAIN_CENTER).add(cx.value()).add(cy.value());
                n.put(Keys.DOMAIN_RADIUS, radius.value());
                break;
            case ANNULUS:
                n.put(Keys.DOMAIN_TYPE, ANNULUS);
                n.put(Keys.DOMAIN_R1, r1.value());
                n.put(Keys.DOMAIN_R2, r2.value());
                break;
            case POLYGON:
                n.put(Keys.DOMAIN_TYPE, POLYGON);
                ArrayNode vs = n.putArray(Keys.DOMAIN_VERTICES);
                for (double[] v : parseVertices()) {
                    vs.addArray().add(v[0]).add(v[1]);
                }
                break;
            case JSON_TYPE:
                try {
                    JsonNode j = MAPPER.readTree(json.getText());
                    if (j == null || !j.isObject()) {
                        throw new IllegalArgumentException(
                                "expected a JSON object such as {\"type\": \"box\", \"lo\": [0, 0, 0], \"hi\": [1, 1, 1]}");
                    }
                    return (ObjectNode) j;
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalArgumentException(
                            "JSON line "
                                    + e.getLocation().getLineNr()
                                    + ", column "
                                    + e.getLocation().getColumnNr()
                                    + ": "
                                    + e.getOriginalMessage());
                }
            default:
                n.put(Keys.DOMAIN_TYPE, t);
        }
        return n;
    }

    /**
     * Shows the "domain" object of a problem file: named 2-D shapes in their fields, anything else
     * as JSON.
     */
    void fromJson(JsonNode n) {
        String t = n.path(Keys.DOMAIN_TYPE).asText("");
        if ((t.equals(BOX)
                && n.path(Keys.DOMAIN_LO).size() == 2
                && n.path(Keys.DOMAIN_HI).size() == 2)) {
            x0.set(n.get(Keys.DOMAIN_LO).get(0).asDouble());
            y0.set(n.get(Keys.DOMAIN_LO).get(1).asDouble());
            x1.set(n.get(Keys.DOMAIN_HI).get(0).asDouble());
            y1.set(n.get(Keys.DOMAIN_HI).get(1).asDouble());
            type.setValue(BOX);
        } else if ((t.equals(BALL) || t.equals(Keys.DOMAIN_DISK))
                && n.path(Keys.DOMAIN_CENTER).size() == 2) {
            cx.set(n.get(Keys.DOMAIN_CENTER).get(0).asDouble());
            cy.set(n.get(Keys.DOMAIN_CENTER).get(1).asDouble());
            radius.set(n.path(Keys.DOMAIN_RADIUS).asDouble());
            type.setValue(BALL);
        } else if (t.equals(ANNULUS)) {
            r1.set(n.path(Keys.DOMAIN_R1).asDouble());
            r2.set(n.path(Keys.DOMAIN_R2).asDouble());
            type.setValue(ANNULUS);
        } else if (t.equals(LSHAPE)) {
            type.setValue(LSHAPE);
        } else if (t.equals(SLIT)) {
            type.setValue(SLIT);
        } else if (t.equals(POLYGON) && n.path(Keys.DOMAIN_VERTICES).isArray()) {
            StringBuilder b = new StringBuilder();
            for (JsonNode v : n.get(Keys.DOMAIN_VERTICES)) {
                b.append(NumberField.format(v.get(0).asDouble()))
                        .append(", ")
                        .append(NumberField.format(v.get(1).asDouble()))
                        .append('\n');
            }
            vertices.setText(b.toString().stripTrailing());
            type.setValue(POLYGON);
        } else {
            json.setText(n.toPrettyString());
            type.setValue(JSON_TYPE);
        }
        changed();
    }

    /**
     * The polygon being drawn: its vertices as points over the square [-1.2, 1.2]^2 (or the
     * polygon's box), filled once it has three; a click adds a vertex.
     */
    private void drawPolygonCanvas(Domain d) {
        double[][] v;
        try {
            v = parseVertices();
        } catch (IllegalArgumentException e) {
            v = new double[0][];
        }
        double x0 = -1.2, x1 = 1.2, y0 = -1.2, y1 = 1.2;
        for (double[] p : v) {
            x0 = Math.min(x0, p[0] - 0.2);
            x1 = Math.max(x1, p[0] + 0.2);
            y0 = Math.min(y0, p[1] - 0.2);
            y1 = Math.max(y1, p[1] + 0.2);
        }
        Grid2 g =
                Grid2.sample(
                        x0,
                        x1,
                        121,
                        y0,
                        y1,
                        121,
                        (x, y) -> d != null && d.contains(new double[] {x, y}) ? 0.25 : Double.NaN);
        double[] px = new double[v.length], py = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            px[i] = v[i][0];
            py[i] = v[i][1];
        }
        HeatMap h =
                HeatMap.of(g)
                        .colours(ColourMap.GREYS)
                        .range(0, 1)
                        .title(v.length < 3 ? "click to add vertices" : "polygon (to scale)")
                        .window(x0, x1, y0, y1)
                        .points("vertices", px, py);
        if (d != null) {
            h.outlineOf((x, y) -> d.contains(new double[] {x, y}));
        }
        var chart = h.chart();
        chart.removeSubtitle(chart.getSubtitle(chart.getSubtitleCount() - 1));
        previewPane.show(chart);
    }

    /** The membership test of the current 2-D domain for outlines, or null. */
    Domain current() {
        try {
            return build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            return null;
        }
    }

    private void drawPreview() {
        Domain d = current();
        if (POLYGON.equals(type.getValue())) {
            drawPolygonCanvas(d);
            return;
        }
        if (d == null || d.dim() != 2) {
            previewPane.clear(
                    d == null
                            ? "No preview: the domain is checked when the problem runs."
                            : "No preview for a " + d.dim() + "-D domain.");
            return;
        }
        double[] lo = d.lower(), hi = d.upper();
        Grid2 g =
                Grid2.sample(
                        lo[0],
                        hi[0],
                        121,
                        lo[1],
                        hi[1],
                        121,
                        (x, y) -> d.contains(new double[] {x, y}) ? 0.25 : Double.NaN);
        var chart =
                HeatMap.of(g)
                        .colours(ColourMap.GREYS)
                        .range(0, 1)
                        .title("domain (to scale)")
                        .outlineOf((x, y) -> d.contains(new double[] {x, y}))
                        .chart();
        chart.removeSubtitle(chart.getSubtitle(chart.getSubtitleCount() - 1));
        previewPane.show(chart);
    }
}
