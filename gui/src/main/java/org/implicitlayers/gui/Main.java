package org.implicitlayers.gui;

import javafx.application.Application;

/**
 * Starts the workbench ({@code bin/implicit gui}). A separate class from the {@link
 * javafx.application.Application} so that JavaFX on the class path starts without module flags.
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
    private Main() {}

    static final String USAGE =
            String.join(
                    "\n",
                    "Usage: implicit gui [--open FILE] [--demo poisson|sdf|node [--steps N] [--screenshot FILE.png]]",
                    "The JavaFX workbench: variational PDEs, signed distance fields, neural ODEs.",
                    "  --open FILE        a problem file (.json), a time series (.csv) or a point cloud / mesh (.ply .obj .off .stl .xyz .xyzn)",
                    "  --demo NAME        open the example, or the --open file (of the demo's kind), train it briefly through Run,",
                    "                     save --screenshot, exit (0 on success, 1 on any failure, also a file --open could not read)",
                    "  --steps N          steps of the demo (default 500 for poisson, 150 for sdf, 60 for node)",
                    "  --screenshot FILE  where the demo saves its window",
                    "Without a display (a server, CI): xvfb-run -a bin/implicit gui ... (the 3-D view runs on OpenGL, Mesa's",
                    "software one included; without OpenGL it says so).");

    private static final java.util.Set<String> VALUED =
            java.util.Set.of("--open", "--demo", "--steps", "--screenshot");

    /**
     * Checks the command line before anything needs a display, so that a mistyped option or demo is
     * reported as such on a machine without one. Returns null, or what is wrong with it.
     */
    static String check(java.util.List<String> args) {
        java.util.Map<String, String> given = new java.util.HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            int eq = a.indexOf('=');
            String name = a.startsWith("--") && eq > 0 ? a.substring(0, eq) : a;
            if (!VALUED.contains(name)) {
                return a.startsWith("-")
                        ? "unknown option '" + a + "'"
                        : "unexpected argument '"
                                + a
                                + "' (options: --open, --demo, --steps, --screenshot)";
            }
            String value;
            if (eq > 0 && a.startsWith("--")) {
                value = a.substring(eq + 1);
            } else if (i + 1 < args.size()) {
                value = args.get(++i);
            } else {
                return name + " needs a value";
            }
            if (given.put(name, value) != null) {
                return name + " is given twice";
            }
        }
        String demo = given.get("--demo");
        if (demo != null && !java.util.List.of("poisson", "sdf", "node").contains(demo)) {
            return "--demo " + demo + ": available demos: poisson, sdf, node";
        }
        if (demo == null && (given.containsKey("--steps") || given.containsKey("--screenshot"))) {
            return (given.containsKey("--steps") ? "--steps" : "--screenshot")
                    + " applies to a --demo run only";
        }
        String steps = given.get("--steps");
        if (steps != null && !steps.matches("[1-9][0-9]{0,8}")) {
            return "--steps " + steps + ": expected a positive whole number";
        }
        return null;
    }

    /**
     * What to do before JavaFX starts: 0 (help printed) or an exit code (an error printed on {@code
     * err}), or -1 to start the window. {@code env} reads the environment.
     */
    static int beforeLaunch(
            String[] args,
            java.util.function.UnaryOperator<String> env,
            java.io.PrintStream out,
            java.io.PrintStream err) {
        if (java.util.Arrays.asList(args).contains("--help")
                || java.util.Arrays.asList(args).contains("-h")) {
            out.println(USAGE);
            return 0;
        }
        String wrong = check(java.util.Arrays.asList(args));
        if (wrong != null) {
            err.println("implicit gui: " + wrong + " (see bin/implicit gui --help)");
            return 2;
        }
        // On Linux without X or Wayland, JavaFX fails with a stack trace; say what to do instead.
        boolean linux =
                System.getProperty("os.name", "")
                        .toLowerCase(java.util.Locale.ROOT)
                        .contains("linux");
        boolean monocle = "monocle".equals(System.getProperty("glass.platform"));
        if (linux
                && !monocle
                && env.apply("DISPLAY") == null
                && env.apply("WAYLAND_DISPLAY") == null) {
            err.println(
                    "implicit gui: no display (DISPLAY is not set). On a machine without a screen run it under a virtual one:"
                            + " xvfb-run -a bin/implicit gui ... (see bin/implicit gui --help)");
            return 1;
        }
        return -1;
    }

    /**
     * Asks Prism for its OpenGL (es2) pipeline even on an OpenGL it does not trust, unless the user
     * chose ({@code -Dprism.forceGPU}): Mesa's software OpenGL (llvmpipe, under Xvfb, in VMs and on
     * servers) is on Prism's deny list, so JavaFX took its software pipeline, which has no 3-D, and
     * the SDF workbench's 3-D view stayed empty unless started with {@code -Dprism.order=es2
     * -Dprism.forceGPU=true}. Where there is no OpenGL at all, Prism still falls back to the
     * software pipeline, and the 3-D view says so.
     */
    static void defaultPipeline(java.util.Properties p) {
        if (p.getProperty("prism.forceGPU") == null) {
            p.setProperty("prism.forceGPU", "true");
        }
    }

    public static void main(String[] args) {
        int code = beforeLaunch(args, System::getenv, System.out, System.err);
        if (code >= 0) {
            System.exit(code);
        }
        defaultPipeline(System.getProperties());
        try {
            Application.launch(WorkbenchApp.class, args);
        } catch (UnsupportedOperationException e) {
            // GTK's "Unable to open DISPLAY": DISPLAY names a display that is not there (an ssh
            // session without -X,
            // an Xvfb that has stopped).
            if (e.getMessage() == null || !e.getMessage().contains("DISPLAY")) {
                throw e;
            }
            System.err.println(
                    "implicit gui: cannot open the display '"
                            + System.getenv("DISPLAY")
                            + "' (DISPLAY): no X server answers"
                            + " there; log in with ssh -X, or on a machine without a screen run xvfb-run -a bin/implicit gui ...");
            System.exit(1);
        }
    }
}
