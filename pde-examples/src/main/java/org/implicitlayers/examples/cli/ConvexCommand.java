package org.implicitlayers.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Convex problems written as mathematics and used as differentiable layers (the {@code
 * implicit.convex} package).
 */
@Command(
        name = "convex",
        description =
                "Convex optimisation layers: problems written as mathematics, solved as cone programs, differentiated implicitly.",
        subcommands = {
            ConvexSparsemaxCommand.class,
            ConvexMpcCommand.class,
            ConvexMetricCommand.class
        })
final class ConvexCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    /** Prints the figures of merit as the last stdout line, one JSON object. */
    static void printJson(Map<String, Object> fields) throws Exception {
        System.out.println(new ObjectMapper().writeValueAsString(fields));
    }
}
