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
 * bin/implicit gui --demo sdf --screenshot FILE     the same for a neural SDF of the torus
 * bin/implicit gui --demo node --screenshot FILE    the same for the neural ODE spiral (or, with --open FILE.csv, that time series)
 * options: --steps N (steps of the demo; default 500 for poisson, 150 for sdf, 60 for node),
 *          --open FILE (a problem .json, a time series .csv, or a point cloud / mesh)
 * </pre>
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        Application.launch(WorkbenchApp.class, args);
    }
}
