package org.implicitlayers.examples.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.implicitlayers.core.backend.Backend;
import org.implicitlayers.examples.bench.NodeSpiralBenchmark;
import org.implicitlayers.ode.Gradient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench node-spiral}: one JSON line per gradient mode. */
@Command(
        name = "node-spiral",
        description =
                "torchdiffeq's spiral neural ODE (dopri5, rtol 1e-7): ms/iter, final loss and NFE per gradient mode.")
final class NodeSpiralBench implements Callable<Integer> {
    @CommandLine.Mixin BenchCommand.Common common = new BenchCommand.Common();

    @Option(
            names = "--modes",
            description =
                    "Comma list of direct, adjoint, checkpointed (default: ${DEFAULT-VALUE}).",
            defaultValue = "direct,adjoint,checkpointed")
    String modes;

    @Override
    public Integer call() throws Exception {
        Backend b = common.selectJvmOnly("node-spiral");
        List<Gradient> ms = new ArrayList<>();
        for (String m : modes.split(",")) {
            if (!m.isBlank()) {
                try {
                    ms.add(Gradient.byName(m));
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(
                            new CommandLine(this),
                            "--modes: unknown mode '"
                                    + m.trim()
                                    + "'; expected direct, adjoint or checkpointed");
                }
            }
        }
        for (Map<String, Object> r :
                NodeSpiralBenchmark.run(
                        common.iters(300),
                        common.dtype,
                        common.seed,
                        ms,
                        msg -> System.err.println("[node-spiral] " + msg))) {
            BenchCommand.emit(common.header(b), r);
        }
        return 0;
    }
}
