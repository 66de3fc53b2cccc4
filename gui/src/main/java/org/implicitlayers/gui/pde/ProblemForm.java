package org.implicitlayers.gui.pde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.value.ObservableValue;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;
import org.implicitlayers.ritz.ProblemFile.Keys;
import org.implicitlayers.ritz.RitzOptions;

/**
 * The problem and its settings as controls, one per field of the JSON problem file: what the form
 * shows is what {@link #toJson()} writes and what {@code bin/implicit ritz FILE.json} reads.
 * Formulas and numbers are checked as they are typed; {@link #validProperty()} is false while any
 * field is wrong.
 */
final class ProblemForm extends ScrollPane {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    final TextField name = new TextField("my-problem");
    final CheckBox eigen =
            new CheckBox(
                    "eigenvalue problem (smallest eigenvalue of -Laplace, u = 0 on the boundary)");
    final DomainEditor domain = new DomainEditor();
    final FormulaField a =
            new FormulaField(
                    "pde-a",
                    false,
                    "Diffusion coefficient a(x) in -div(a grad u) + c u = f (default 1).");
    final FormulaField c =
            new FormulaField(
                    "pde-c",
                    false,
                    "Reaction coefficient c(x) in -div(a grad u) + c u = f (default 0).");
    final FormulaField f =
            new FormulaField(
                    "pde-f", false, "Right-hand side f(x) of -div(a grad u) + c u = f (required).");
    final FormulaField exact =
            new FormulaField(
                    "exact",
                    true,
                    "Optional exact solution: with it the run reports relative L2 and H1 errors and draws the error map (default: none).");
    final VBox boundary = new VBox(8);
    final List<BoundaryRow> rows = new ArrayList<>();
    final ComboBox<String> method =
            combo(
                    "method",
                    "ritz: minimise the energy (Deep Ritz, E and Yu 2018); pinn: the squared strong-form"
                            + " residual with the Laplacian by second-order autodiff. Default: ritz.",
                    "ritz",
                    "pinn");
    final ComboBox<String> bc =
            combo(
                    "bc",
                    "penalty: add beta |boundary| mean (u - g)^2 to the loss; exact: u = g + phi N with phi a"
                            + " distance to the boundary, so u = g holds by construction (Dirichlet only). Default: penalty.",
                    "penalty",
                    "exact");
    final NumberField penalty =
            new NumberField(
                    "penalty",
                    false,
                    0,
                    false,
                    "Penalty weight beta of the boundary term (default 500).");
    final ComboBox<String> network =
            combo(
                    "network-type",
                    "resnet: Linear, residual blocks h + act(L2(act(L1 h))), Linear (the Deep"
                            + " Ritz network); mlp: a plain multilayer perceptron. Default: resnet.",
                    "resnet",
                    "mlp");
    final NumberField width =
            new NumberField(
                    "network-width", true, 1, true, "Neurons per hidden layer (default 32).");
    final NumberField depth =
            new NumberField(
                    "network-depth",
                    true,
                    0,
                    true,
                    "Residual blocks (resnet) or hidden layers (mlp) (default 3).");
    final ComboBox<String> activation =
            combo(
                    "network-activation",
                    "Activation function (default tanh). Smooth activations are needed"
                            + " for the PINN's second derivatives.",
                    "tanh",
                    "softplus",
                    "sine",
                    "sigmoid",
                    "cubic_relu",
                    "relu");
    final ComboBox<String> optimizer =
            combo(
                    "optimizer",
                    "adam: Adam, optionally followed by L-BFGS; engd: energy natural gradient"
                            + " descent (Gauss-Newton in function space, Mueller and Zeinhofer 2023), float64, for small networks (an MLP 20 x 2 with"
                            + " the PINN loss reaches relative L2 errors of 1e-6 on smooth problems). Default: adam.",
                    "adam",
                    "engd");
    final NumberField steps =
            new NumberField("steps", true, 0, true, "Adam or ENGD steps (default 5000).");
    final NumberField lr =
            new NumberField("lr", false, 0, false, "Adam learning rate (default 0.001).");
    final NumberField lrDecay =
            new NumberField(
                    "lr-decay",
                    false,
                    0,
                    true,
                    "Final learning rate as a fraction of the first, reached by"
                            + " cosine decay; 1 keeps it constant (default 1).");
    final NumberField lbfgs =
            new NumberField(
                    "lbfgs",
                    true,
                    0,
                    true,
                    "L-BFGS iterations after Adam on a fixed quasi-random point set (default 0: none).");
    final ComboBox<String> sampler =
            combo(
                    "sampler",
                    "How training points are drawn: uniform random, or the quasi-random Sobol or Halton"
                            + " sequences (lower quadrature error). Default: uniform.",
                    "uniform",
                    "sobol",
                    "halton");
    final NumberField interior =
            new NumberField("interior", true, 1, true, "Interior points per step (default 1024).");
    final NumberField boundaryPoints =
            new NumberField(
                    "boundary-points",
                    true,
                    0,
                    true,
                    "Boundary points per step (default 256; 0 allowed with bc exact).");
    final CheckBox resample = new CheckBox("fresh points every step");
    final NumberField evalEvery =
            new NumberField(
                    "eval-every",
                    true,
                    1,
                    true,
                    "Evaluate the errors every this many steps (default 250).");
    final NumberField seed =
            new NumberField(
                    "seed",
                    true,
                    -9.2e18,
                    true,
                    "Random seed: network initialisation and sampling (default 0). The same seed gives the same run.");
    final ComboBox<String> dtype =
            combo(
                    "dtype",
                    "Precision of the network and its training (default float32; float64 is about twice as slow).",
                    "float32",
                    "float64");
    private final ReadOnlyBooleanWrapper valid = new ReadOnlyBooleanWrapper(true);
    private final VBox equationBox;
    private Runnable onChange = () -> {};

    ProblemForm() {
        setId("problem-form");
        setFitToWidth(true);
        name.setId("problem-name");
        name.setTooltip(
                new Tooltip("The problem's name: titles of figures and the default file name."));
        eigen.setId("eigen");
        eigen.setTooltip(
                new Tooltip(
                        "Instead of a PDE with boundary conditions, find the smallest Dirichlet eigenvalue of -Laplace"
                                + " by minimising the Rayleigh quotient (default: off)."));
        resample.setId("resample");
        resample.setTooltip(
                new Tooltip(
                        "Draw new training points at every step (default: on); off keeps one set."));
        a.setText("1");
        c.setText("0");
        Button add = new Button("Add condition");
        add.setId("bc-add");
        add.setTooltip(
                new Tooltip(
                        "Add a boundary condition; with several, each applies where its 'where' formula is positive, the last to the rest."));
        add.setOnAction(e -> addRow());
        equationBox = new VBox(4, labelled("a", a), labelled("c", c), labelled("f", f));
        VBox bcBox = new VBox(6, boundary, add);
        GridPane method =
                grid(
                        new Object[][] {
                            {"method", this.method, "boundary", bc}, {"penalty", penalty}
                        });
        GridPane net =
                grid(
                        new Object[][] {
                            {"type", network, "activation", activation},
                            {"width", width, "depth", depth}
                        });
        // ENGD runs in float64 only: choosing it sets the precision.
        optimizer
                .valueProperty()
                .addListener(
                        (obs, was, now) -> {
                            if ("engd".equals(now)) {
                                dtype.setValue("float64");
                                lbfgs.set(0);
                            }
                        });
        GridPane train =
                grid(
                        new Object[][] {
                            {"optimizer", optimizer, "steps", steps},
                            {"learning rate", lr, "lr decay to", lrDecay},
                            {"L-BFGS iterations", lbfgs},
                            {"sampler", sampler, "interior points", interior},
                            {"boundary points", boundaryPoints, "", resample},
                            {"evaluate every", evalEvery, "seed", seed},
                            {"precision", dtype}
                        });
        TitledPane eq = new TitledPane("Equation  -div(a grad u) + c u = f", equationBox);
        TitledPane bcs = new TitledPane("Boundary conditions", bcBox);
        TitledPane ex = new TitledPane("Exact solution (optional)", exact);
        eq.visibleProperty().bind(eigen.selectedProperty().not());
        eq.managedProperty().bind(eq.visibleProperty());
        bcs.visibleProperty().bind(eigen.selectedProperty().not());
        bcs.managedProperty().bind(bcs.visibleProperty());
        ex.visibleProperty().bind(eigen.selectedProperty().not());
        ex.managedProperty().bind(ex.visibleProperty());
        VBox all =
                new VBox(
                        6,
                        new TitledPane("Problem", new VBox(6, labelled("name", name), eigen)),
                        new TitledPane("Domain", domain),
                        eq,
                        bcs,
                        ex,
                        new TitledPane("Method", method),
                        new TitledPane("Network", net),
                        new TitledPane("Training", train));
        setContent(all);
        for (FormulaField ff : List.of(a, c, f, exact)) {
            watch(ff.validProperty());
            watch(ff.errorProperty());
        }
        for (NumberField n :
                List.of(
                        penalty,
                        width,
                        depth,
                        steps,
                        lr,
                        lrDecay,
                        lbfgs,
                        interior,
                        boundaryPoints,
                        evalEvery,
                        seed)) {
            watch(n.validProperty());
        }
        watch(eigen.selectedProperty());
        domain.setOnChange(
                () -> {
                    int d = domain.dimension();
                    for (FormulaField ff : List.of(a, c, f, exact)) {
                        ff.setDimension(d);
                    }
                    rows.forEach(r -> r.setDimension(d));
                    revalidate();
                });
        fromJson(defaults());
    }

    private static ComboBox<String> combo(String id, String help, String... items) {
        ComboBox<String> cb = new ComboBox<>();
        cb.setId(id);
        cb.getItems().addAll(items);
        cb.setValue(items[0]);
        cb.setTooltip(new Tooltip(help));
        return cb;
    }

    private static Node labelled(String label, Node n) {
        GridPane g = new GridPane();
        g.setHgap(6);
        Label l = new Label(label);
        l.setMinWidth(40);
        g.addRow(0, l, n);
        GridPane.setHgrow(n, javafx.scene.layout.Priority.ALWAYS);
        return g;
    }

    private static GridPane grid(Object[][] rows) {
        GridPane g = new GridPane();
        g.setHgap(6);
        g.setVgap(4);
        for (int r = 0; r < rows.length; r++) {
            for (int k = 0; k + 1 < rows[r].length; k += 2) {
                g.add(new Label((String) rows[r][k]), k, r);
                g.add((Node) rows[r][k + 1], k + 1, r);
            }
        }
        return g;
    }

    private void watch(ObservableValue<?> v) {
        v.addListener((o, x, y) -> revalidate());
    }

    void setOnChange(Runnable r) {
        onChange = r;
    }

    ReadOnlyBooleanProperty validProperty() {
        return valid.getReadOnlyProperty();
    }

    private BoundaryRow addRow() {
        BoundaryRow r = new BoundaryRow(rows.size());
        r.setDimension(domain.dimension());
        r.remove.setOnAction(
                e -> {
                    if (rows.size() > 1) {
                        rows.remove(r);
                        boundary.getChildren().remove(r);
                        revalidate();
                    }
                });
        r.validBinding().addListener((o, x, y) -> revalidate());
        for (FormulaField field : List.of(r.g, r.alpha, r.where)) {
            watch(field.errorProperty());
        }
        rows.add(r);
        boundary.getChildren().add(r);
        revalidate();
        return r;
    }

    /** The first thing wrong with the form ("pde.f: ..."), or null when it can run. */
    String firstProblem() {
        if (!domain.validBinding().get()) {
            return "domain: see the message under the domain";
        }
        if (!eigen.isSelected()) {
            Object[][] formulas = {{"pde.a", a}, {"pde.c", c}, {"pde.f", f}, {"exact", exact}};
            for (Object[] ff : formulas) {
                FormulaField field = (FormulaField) ff[1];
                if (!field.validProperty().get()) {
                    return ff[0] + ": " + field.error().split("\n")[0];
                }
            }
            for (int i = 0; i < rows.size(); i++) {
                BoundaryRow r = rows.get(i);
                for (FormulaField field : List.of(r.g, r.alpha, r.where)) {
                    if ((field != r.alpha || "robin".equals(r.type.getValue()))
                            && !field.validProperty().get()) {
                        return "boundary["
                                + i
                                + "]."
                                + field.getId().substring(field.getId().indexOf('-') + 1)
                                + ": "
                                + field.error().split("\n")[0];
                    }
                }
            }
        }
        for (NumberField n :
                List.of(
                        penalty,
                        width,
                        depth,
                        steps,
                        lr,
                        lrDecay,
                        lbfgs,
                        interior,
                        boundaryPoints,
                        evalEvery,
                        seed)) {
            if (n.problem() != null) {
                return n.getId() + ": " + n.problem();
            }
        }
        return null;
    }

    private void revalidate() {
        valid.set(firstProblem() == null);
        onChange.run();
    }

    /** The problem file (a JSON object) the form describes. */
    ObjectNode toJson() {
        ObjectNode root = MAPPER.createObjectNode();
        root.put(Keys.NAME, name.getText().trim().isEmpty() ? "problem" : name.getText().trim());
        root.set(Keys.DOMAIN, domain.toJson());
        if (eigen.isSelected()) {
            root.put(Keys.EIGEN, true);
        } else {
            ObjectNode pde = root.putObject(Keys.PDE);
            pde.put(Keys.PDE_A, a.text());
            pde.put(Keys.PDE_C, c.text());
            pde.put(Keys.PDE_F, f.text());
            ArrayNode bcs = root.putArray(Keys.BOUNDARY);
            rows.forEach(r -> r.toJson(bcs.addObject()));
            if (!exact.text().isEmpty()) {
                root.put(Keys.EXACT, exact.text());
            }
        }
        root.put(Keys.METHOD, method.getValue());
        root.put(Keys.BC, bc.getValue());
        root.put(Keys.PENALTY, penalty.value());
        ObjectNode n = root.putObject(Keys.NETWORK);
        n.put(Keys.NETWORK_TYPE, network.getValue());
        n.put(Keys.NETWORK_WIDTH, width.intValue());
        n.put(Keys.NETWORK_DEPTH, depth.intValue());
        n.put(Keys.NETWORK_ACTIVATION, activation.getValue());
        ObjectNode o = root.putObject(Keys.OPTIMIZER);
        o.put(Keys.OPTIMIZER_NAME, optimizer.getValue());
        o.put(Keys.OPTIMIZER_STEPS, steps.intValue());
        o.put(Keys.OPTIMIZER_LR, lr.value());
        o.put(Keys.OPTIMIZER_LR_DECAY, lrDecay.value());
        o.put(Keys.OPTIMIZER_LBFGS, lbfgs.intValue());
        ObjectNode s = root.putObject(Keys.SAMPLING);
        s.put(Keys.SAMPLING_INTERIOR, interior.intValue());
        s.put(Keys.SAMPLING_BOUNDARY, boundaryPoints.intValue());
        s.put(Keys.SAMPLING_METHOD, sampler.getValue());
        s.put(Keys.SAMPLING_RESAMPLE, resample.isSelected());
        root.put(Keys.EVAL_EVERY, evalEvery.intValue());
        root.put(Keys.SEED, (long) seed.value());
        root.put(Keys.DTYPE, dtype.getValue());
        // Fields the form has no control for are written back as they were read, not dropped.
        carried.fields()
                .forEachRemaining(
                        e -> {
                            if (e.getKey().equals(Keys.SAMPLING)) {
                                e.getValue()
                                        .fields()
                                        .forEachRemaining(
                                                se -> s.set(se.getKey(), se.getValue().deepCopy()));
                            } else if (!e.getKey().equals(Keys.EXACT_EIGENVALUE)
                                    || eigen.isSelected()) {
                                root.set(e.getKey(), e.getValue().deepCopy());
                            }
                        });
        return root;
    }

    /**
     * Fields of the last file shown that the form has no control for (description, refinement,
     * exact eigenvalue).
     */
    private ObjectNode carried = MAPPER.createObjectNode();

    private static ObjectNode carriedFields(JsonNode root) {
        ObjectNode c = MAPPER.createObjectNode();
        for (String k : new String[] {Keys.DESCRIPTION, Keys.EXACT_EIGENVALUE}) {
            if (root.has(k)) {
                c.set(k, root.get(k).deepCopy());
            }
        }
        JsonNode s = root.path(Keys.SAMPLING);
        for (String k : new String[] {Keys.SAMPLING_RAR_EVERY, Keys.SAMPLING_RAR_POINTS}) {
            if (s.has(k)) {
                c.with(Keys.SAMPLING).set(k, s.get(k).deepCopy());
            }
        }
        return c;
    }

    /**
     * The boundary treatment of a file without "bc": the one the library reads it with (the exact
     * ansatz for all-Dirichlet problems under Adam), or the default when the file does not read.
     */
    private static String impliedBc(JsonNode root, ObjectNode d) {
        try {
            return org.implicitlayers.ritz.ProblemFile.read(root, "the form")
                    .options()
                    .boundary()
                    .treatment()
                    .toString();
        } catch (IllegalArgumentException notReadable) {
            return d.get("bc").asText();
        }
    }

    /** Shows a problem file; absent fields take the library's defaults. */
    void fromJson(JsonNode root) {
        ObjectNode d = defaults();
        carried = carriedFields(root);
        name.setText(root.path("name").asText(d.get("name").asText()));
        eigen.setSelected(root.path("eigen").asBoolean(false));
        domain.fromJson(root.has("domain") ? root.get("domain") : d.get("domain"));
        JsonNode pde = root.path("pde");
        a.setText(pde.has("a") ? pde.get("a").asText() : "1");
        c.setText(pde.has("c") ? pde.get("c").asText() : "0");
        f.setText(pde.has("f") ? pde.get("f").asText() : "");
        rows.clear();
        boundary.getChildren().clear();
        JsonNode bcs = root.path("boundary");
        if (bcs.isArray() && bcs.size() > 0) {
            for (JsonNode b : bcs) {
                addRow().fromJson(b);
            }
        } else {
            addRow();
        }
        exact.setText(root.path(Keys.EXACT).asText(""));
        method.setValue(text(root, d, Keys.METHOD));
        bc.setValue(root.has(Keys.BC) ? root.get(Keys.BC).asText() : impliedBc(root, d));
        penalty.set(number(root, d, Keys.PENALTY));
        JsonNode n = root.path(Keys.NETWORK), dn = d.get(Keys.NETWORK);
        network.setValue(text(n, dn, Keys.NETWORK_TYPE));
        width.set(number(n, dn, Keys.NETWORK_WIDTH));
        depth.set(number(n, dn, Keys.NETWORK_DEPTH));
        activation.setValue(text(n, dn, Keys.NETWORK_ACTIVATION));
        JsonNode o = root.path(Keys.OPTIMIZER), dop = d.get(Keys.OPTIMIZER);
        optimizer.setValue(text(o, dop, Keys.OPTIMIZER_NAME));
        steps.set(number(o, dop, Keys.OPTIMIZER_STEPS));
        lr.set(number(o, dop, Keys.OPTIMIZER_LR));
        lrDecay.set(number(o, dop, Keys.OPTIMIZER_LR_DECAY));
        lbfgs.set(number(o, dop, Keys.OPTIMIZER_LBFGS));
        JsonNode s = root.path(Keys.SAMPLING), ds = d.get(Keys.SAMPLING);
        sampler.setValue(text(s, ds, Keys.SAMPLING_METHOD));
        interior.set(number(s, ds, Keys.SAMPLING_INTERIOR));
        boundaryPoints.set(number(s, ds, Keys.SAMPLING_BOUNDARY));
        resample.setSelected(
                s.has(Keys.SAMPLING_RESAMPLE)
                        ? s.get(Keys.SAMPLING_RESAMPLE).asBoolean()
                        : ds.get(Keys.SAMPLING_RESAMPLE).asBoolean());
        evalEvery.set(number(root, d, Keys.EVAL_EVERY));
        seed.set(number(root, d, Keys.SEED));
        dtype.setValue(text(root, d, Keys.DTYPE));
        revalidate();
    }

    private static String text(JsonNode n, JsonNode d, String field) {
        return n.has(field) ? n.get(field).asText() : d.get(field).asText();
    }

    private static double number(JsonNode n, JsonNode d, String field) {
        return n.has(field) ? n.get(field).asDouble() : d.get(field).asDouble();
    }

    /** The library's default options on the unit square with u = 0 on the boundary. */
    static ObjectNode defaults() {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("name", "my-problem");
        ObjectNode dom = root.putObject("domain");
        dom.put("type", "box");
        dom.putArray("lo").add(0).add(0);
        dom.putArray("hi").add(1).add(1);
        org.implicitlayers.ritz.ProblemFile.writeOptions(root, RitzOptions.defaults());
        return root;
    }
}
