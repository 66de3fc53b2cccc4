package org.implicitlayers.examples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code implicit} command-line tool. */
@Command(
        name = "implicit",
        mixinStandardHelpOptions = true,
        version = "implicit-layers 0.1.0-SNAPSHOT",
        description =
                "Neural networks with implicitly defined layers: examples, solvers and benchmarks.",
        footer = {
            "",
            "gui, jshell and sweep (and bench sweep) are started by bin/implicit from their own modules, so that JavaFX and",
            "Spark are on the class path only for them."
        },
        subcommands = {
            RitzCommand.class,
            DeqCommand.class,
            QpCommand.class,
            ListaCommand.class,
            ConvexCommand.class,
            BilevelCommand.class,
            SdfCommand.class,
            DemoCommand.class,
            TrainDemoCommand.class,
            NodeCommand.class,
            BenchCommand.class,
            InfoCommand.class,
            LauncherCommands.Gui.class,
            LauncherCommands.Jshell.class,
            LauncherCommands.Sweep.class,
            CommandLine.HelpCommand.class
        })
public final class ImplicitCli implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    /** Runs the tool; returns the exit code. */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new ImplicitCli());
        withHelpEverywhere(cl);
        // Errors a user can act on (a bad problem file, a diverged run) print as one message, not a
        // stack trace;
        // IMPLICIT_DEBUG=1 shows the trace.
        cl.setExecutionExceptionHandler(
                (ex, cmd, parseResult) -> {
                    if (System.getenv("IMPLICIT_DEBUG") != null) {
                        ex.printStackTrace();
                    }
                    cmd.getErr()
                            .println(
                                    cmd.getCommandSpec().qualifiedName()
                                            + ": "
                                            + ErrorMessage.of(ex));
                    return 1;
                });
        // A command that finds a bad value while running throws a ParameterException built on a
        // CommandLine
        // of its own, with no parents, whose usage would start "Usage: qp"; print the usage of the
        // command
        // as the user typed it instead ("Usage: implicit bench qp").
        CommandLine.IParameterExceptionHandler standard = cl.getParameterExceptionHandler();
        cl.setParameterExceptionHandler(
                (ex, parsedArgs) -> {
                    CommandLine thrower = ex.getCommandLine();
                    if (thrower != null
                            && thrower.getParent() == null
                            && thrower != cl
                            && cl.getParseResult() != null) {
                        CommandLine.ParseResult pr = cl.getParseResult();
                        while (pr.hasSubcommand()) {
                            pr = pr.subcommand();
                        }
                        ex =
                                new CommandLine.ParameterException(
                                        pr.commandSpec().commandLine(), ex.getMessage(), ex);
                    }
                    return standard.handleParseException(ex, parsedArgs);
                });
        return cl.execute(args);
    }

    /** Every sub-command (at any depth) accepts --help (and --version), as the top level does. */
    static void withHelpEverywhere(CommandLine cl) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            CommandLine.Model.CommandSpec spec = sub.getCommandSpec();
            if (spec.findOption("--help") == null
                    && spec.findOption("-h") == null
                    && spec.findOption("-V") == null
                    && spec.findOption("--version") == null) {
                spec.mixinStandardHelpOptions(true);
            }
            withHelpEverywhere(sub);
        }
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }
}
