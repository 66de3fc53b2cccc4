package org.implicitlayers.examples.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.backend.Backend;
import org.implicitlayers.examples.bench.QpBenchmark;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench qp}: the batched QP layer on the problems that reference/qp_layer.py --dump wrote. */
@Command(name = "qp", description = "The batched QP layer (forward + backward) on a problem file written by qp_layer.py --dump: "
        + "ms, constraint violation, objective, samples not solved.")
final class QpBench implements Callable<Integer> {
    @CommandLine.Mixin
    BenchCommand.Common common = new BenchCommand.Common();

    @Option(names = "--data", required = true, description = "The .npz written by qp_layer.py --dump (Q, p, G, h, A, b, w; float64).")
    Path data;

    @Option(names = "--warmup", description = "Untimed iterations first (default: ${DEFAULT-VALUE}).", defaultValue = "5")
    int warmup;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(data)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--data: no such file: " + data);
        }
        if (warmup < 0) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--warmup must be >= 0, got " + warmup);
        }
        Backend b = common.select();
        Map<String, Object> r = QpBenchmark.run(data, common.iters(20), warmup, b, msg -> System.err.println("[qp] " + msg));
        Map<String, Object> h = common.header(b);
        h.put("dtype", DType.FLOAT64.toString()); // the problem file's dtype, whatever --dtype says
        h.put("data", data.toString());
        h.put("warmup", warmup);
        BenchCommand.emit(h, r);
        return 0;
    }
}
