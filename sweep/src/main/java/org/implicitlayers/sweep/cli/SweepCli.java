package org.implicitlayers.sweep.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code implicit sweep} and {@code implicit bench sweep} commands. They live in the sweep
 * module, apart from the other commands, so that Spark is on the class path only when a sweep runs:
 * {@code bin/implicit} starts this class for those two commands.
 */
@Command(
        name = "implicit",
        mixinStandardHelpOptions = true,
        version = "implicit-layers 0.1.0-SNAPSHOT",
        description = "Parameter sweeps of solver runs on Apache Spark.",
        subcommands = {SweepCommand.class, SweepCli.Bench.class})
public final class SweepCli implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    /** {@code implicit bench sweep}. */
    @Command(
            name = "bench",
            description = "Benchmarks of the sweep module.",
            subcommands = {SweepBenchCommand.class})
    static final class Bench implements Runnable {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(System.err);
        }
    }

    /** Runs the tool; returns the exit code. */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new SweepCli());
        cl.setExecutionExceptionHandler(
                (ex, cmd, parseResult) -> {
                    if (System.getenv("IMPLICIT_DEBUG") != null) {
                        ex.printStackTrace();
                    }
                    String msg = ex.getMessage() != null ? ex.getMessage() : ex.toString();
                    cmd.getErr().println("implicit " + cmd.getCommandName() + ": " + msg);
                    return 1;
                });
        return cl.execute(args);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }
}
