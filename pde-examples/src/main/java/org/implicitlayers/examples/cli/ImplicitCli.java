package org.implicitlayers.examples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code implicit} command-line tool. */
@Command(name = "implicit", mixinStandardHelpOptions = true, version = "implicit-layers 0.1.0-SNAPSHOT",
        description = "Neural networks with implicitly defined layers: examples, solvers and benchmarks.",
        subcommands = {RitzCommand.class, DemoCommand.class, TrainDemoCommand.class, BenchCommand.class, InfoCommand.class, CommandLine.HelpCommand.class})
public final class ImplicitCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    /** Runs the tool; returns the exit code. */
    public static int execute(String... args) {
        return new CommandLine(new ImplicitCli()).execute(args);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }
}
