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
 * bin/implicit gui --demo poisson --open FILE.json  the same for that problem file (exit 1, naming the file, when it cannot be read)
 * options: --steps N (steps of the demo; default 500 for poisson, 150 for sdf, 60 for node),
 *          --open FILE (a problem .json, a time series .csv, or a point cloud / mesh)
 * </pre>
 */
public final class Main {
    private Main() {
    }

    static final String USAGE = String.join("\n",
            "Usage: implicit gui [--open FILE] [--demo poisson|sdf|node [--steps N] [--screenshot FILE.png]]",
            "The JavaFX workbench: variational PDEs, signed distance fields, neural ODEs.",
            "  --open FILE        a problem file (.json), a time series (.csv) or a point cloud / mesh (.ply .obj .off .stl .xyz .xyzn)",
            "  --demo NAME        open the example, or the --open file (of the demo's kind), train it briefly through Run,",
            "                     save --screenshot, exit (0 on success, 1 on any failure, also a file --open could not read)",
            "  --steps N          steps of the demo (default 500 for poisson, 150 for sdf, 60 for node)",
            "  --screenshot FILE  where the demo saves its window",
            "Without a display (a server, CI): xvfb-run -a bin/implicit gui ..., with",
            "JAVA_OPTS=\"-Dprism.order=es2 -Dprism.forceGPU=true\" for the 3-D view.");

    public static void main(String[] args) {
        if (java.util.Arrays.asList(args).contains("--help") || java.util.Arrays.asList(args).contains("-h")) {
            System.out.println(USAGE);
            return;
        }
        // On Linux without X or Wayland, JavaFX fails with a stack trace; say what to do instead.
        boolean linux = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux");
        boolean monocle = "monocle".equals(System.getProperty("glass.platform"));
        if (linux && !monocle && System.getenv("DISPLAY") == null && System.getenv("WAYLAND_DISPLAY") == null) {
            System.err.println("implicit gui: no display (DISPLAY is not set). On a machine without a screen run it under a virtual one:"
                    + " xvfb-run -a bin/implicit gui ... (see bin/implicit gui --help)");
            System.exit(1);
        }
        Application.launch(WorkbenchApp.class, args);
    }
}
