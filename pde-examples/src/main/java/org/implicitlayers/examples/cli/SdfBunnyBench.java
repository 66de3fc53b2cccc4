package org.implicitlayers.examples.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import org.implicitlayers.core.backend.Backend;
import org.implicitlayers.examples.bench.SdfBunnyBenchmark;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench sdf-bunny}. */
@Command(
        name = "sdf-bunny",
        description =
                "IGR fit of the bunny point cloud: ms/iter, 128^3 grid evaluation, marching cubes, Chamfer distance.")
final class SdfBunnyBench implements Callable<Integer> {
    @CommandLine.Mixin BenchCommand.Common common = new BenchCommand.Common();

    @Option(
            names = "--no-dense",
            description =
                    "Skip the dense 128^3 evaluation (timed for comparison, several seconds).")
    boolean noDense;

    @Override
    public Integer call() throws Exception {
        Backend b = common.selectJvmOnly("sdf-bunny");
        int iters = common.iters(2000);
        Map<String, Object> r =
                SdfBunnyBenchmark.run(
                        iters,
                        common.dtype,
                        common.seed,
                        !noDense,
                        msg -> System.err.println("[sdf-bunny] " + msg));
        BenchCommand.emit(common.header(b), r);
        return 0;
    }
}
