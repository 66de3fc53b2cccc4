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

/**
 * {@code bench qp}: the batched QP layer, on a batch of the reference's random family made here
 * (default) or on the problems that the reference's {@code qp_layer.py --dump} wrote ({@code
 * --data}).
 */
@Command(
        name = "qp",
        description = {
            "The batched QP layer (forward + backward): ms, constraint violation, objective, samples not solved.",
            "Without --data it makes a batch of the reference's random family here (--batch, --n, --m, --pe, --seed); its numbers differ "
                    + "from those on the reference's file because the random streams differ. --data FILE.npz runs on the problems that "
                    + "qp_layer.py --dump wrote, the data the reference timed. float64 only."
        })
final class QpBench implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin BenchCommand.Common common = new BenchCommand.Common();

    @Option(
            names = "--data",
            description =
                    "The .npz written by qp_layer.py --dump (Q, p, G, h, A, b, w; float64); default: a generated batch.")
    Path data;

    @Option(
            names = "--batch",
            description = "Generated problems in the batch (default: ${DEFAULT-VALUE}).",
            defaultValue = "128")
    int batch;

    @Option(
            names = "--n",
            description = "Variables of a generated problem (default: ${DEFAULT-VALUE}).",
            defaultValue = "40")
    int n;

    @Option(
            names = "--m",
            description = "Inequalities of a generated problem (default: ${DEFAULT-VALUE}).",
            defaultValue = "60")
    int m;

    @Option(
            names = "--pe",
            description =
                    "Equalities of a generated problem, fewer than --n (default: ${DEFAULT-VALUE}).",
            defaultValue = "10")
    int pe;

    @Option(
            names = "--warmup",
            description = "Untimed iterations first (default: ${DEFAULT-VALUE}).",
            defaultValue = "5")
    int warmup;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
        if (warmup < 0) {
            throw new CommandLine.ParameterException(cl, "--warmup must be >= 0, got " + warmup);
        }
        if (cl.getParseResult().hasMatchedOption("--dtype") && common.dtype != DType.FLOAT64) {
            throw new CommandLine.ParameterException(
                    cl,
                    "bench qp runs in float64 only (as the reference does); got --dtype "
                            + common.dtype);
        }
        Backend b = common.select();
        int iters = common.iters(20);
        Map<String, Object> r;
        String source;
        if (data != null) {
            for (String o : new String[] {"--batch", "--n", "--m", "--pe", "--seed"}) {
                if (cl.getParseResult().hasMatchedOption(o)) {
                    throw new CommandLine.ParameterException(
                            cl, o + " shapes a generated batch; it does not apply with --data");
                }
            }
            if (!Files.isRegularFile(data)) {
                throw new CommandLine.ParameterException(cl, "--data: no such file: " + data);
            }
            r = QpBenchmark.run(data, iters, warmup, b, msg -> System.err.println("[qp] " + msg));
            source = data.toString();
        } else {
            if (batch < 1 || n < 1 || m < 0 || pe < 0 || pe >= n) {
                throw new CommandLine.ParameterException(
                        cl,
                        "expected --batch >= 1, --n >= 1, --m >= 0 and 0 <= --pe < --n; got --batch "
                                + batch
                                + " --n "
                                + n
                                + " --m "
                                + m
                                + " --pe "
                                + pe);
            }
            QpBenchmark.Data d = QpBenchmark.generate(batch, n, m, pe, common.seed);
            r = QpBenchmark.run(d, iters, warmup, b, msg -> System.err.println("[qp] " + msg));
            source = "generated (seed " + common.seed + ")";
        }
        Map<String, Object> h = common.header(b);
        h.put("dtype", DType.FLOAT64.toString());
        h.put("data", source);
        h.put("warmup", warmup);
        BenchCommand.emit(h, r);
        return 0;
    }
}
