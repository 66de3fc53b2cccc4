package org.implicitlayers.examples.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * Commands that {@code bin/implicit} starts from another module (the JavaFX workbench, JShell, the
 * Spark sweeps), listed here so that {@code implicit --help} shows every command. Reached through
 * this class path (a plain {@code java ... ImplicitCli gui}), they say how to start them instead.
 */
final class LauncherCommands {
    private LauncherCommands() {}

    private static int elsewhere(String command, String module) {
        System.err.println(
                "implicit "
                        + command
                        + ": started by bin/implicit from the "
                        + module
                        + " module; run bin/implicit "
                        + command
                        + " (bin/implicit "
                        + command
                        + " --help for its options)");
        return 1;
    }

    @Command(
            name = "gui",
            description = {
                "The JavaFX workbench: variational PDEs, signed distance fields, neural ODEs.",
                "bin/implicit gui [--open FILE] [--demo poisson|sdf|node [--steps N] [--screenshot FILE.png]] (bin/implicit gui --help)."
            })
    static final class Gui implements Callable<Integer> {
        /** The workbench's options. */
        @Unmatched List<String> args;

        @Override
        public Integer call() {
            return elsewhere("gui", "gui");
        }
    }

    @Command(
            name = "jshell",
            description = {
                "JShell with the project's classes and the usual imports, for trying the library.",
                "bin/implicit jshell [JSHELL-OPTIONS]."
            })
    static final class Jshell implements Callable<Integer> {
        /** Options passed to jshell. */
        @Unmatched List<String> args;

        @Override
        public Integer call() {
            return elsewhere("jshell", "pde-examples");
        }
    }

    @Command(
            name = "sweep",
            description = {
                "A parameter sweep of a problem file on Apache Spark: bin/implicit sweep FILE.json --out DIR",
                "(bin/implicit sweep --help; bin/implicit bench sweep for its benchmark)."
            })
    static final class Sweep implements Callable<Integer> {
        /** The sweep's file and options. */
        @Unmatched List<String> args;

        @Override
        public Integer call() {
            return elsewhere("sweep", "sweep");
        }
    }
}
