package org.implicitlayers.gui;

import javafx.application.Application;

/**
 * Starts the workbench ({@code bin/implicit gui}). A separate class from the
 * {@link javafx.application.Application} so that JavaFX on the class path starts without module
 * flags.
 *
 * <pre>
 * bin/implicit gui                                  the window
 * bin/implicit gui --demo poisson --screenshot FILE opens the Poisson example, trains it briefly
 *                                                   through the Run button, saves a screenshot and exits
 *                                                   (0 on success, 1 on any failure)
 * options: --steps N (Adam steps of the demo, default 500), --open FILE.json
 * </pre>
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        Application.launch(WorkbenchApp.class, args);
    }
}
