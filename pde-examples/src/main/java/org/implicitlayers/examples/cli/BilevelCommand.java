package org.implicitlayers.examples.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Bilevel problems whose outer gradient comes from the implicit function theorem applied to the
 * inner problem's optimality condition (the {@code implicit.bilevel} package).
 */
@Command(
        name = "bilevel",
        description =
                "Bilevel problems: hyperparameters, meta-learning, inverse PDEs and optimal transport, differentiated implicitly.",
        subcommands = {
            BilevelHyperCommand.class,
            BilevelImamlCommand.class,
            InversePdeCommand.class,
            BilevelSinkhornCommand.class
        })
final class BilevelCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }
}
