package org.implicitlayers.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.implicitlayers.core.Backends;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.backend.Backend;
import org.implicitlayers.core.backend.jvm.JvmBackend;
import org.implicitlayers.examples.bench.MicroBenchmark;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Benchmarks: progress on stderr, one JSON object per line on stdout. */
@Command(name = "bench", description = "Run a benchmark (see docs/benchmarks.md); prints one JSON line per result on stdout.",
        subcommands = {BenchCommand.Micro.class, BenchCommand.RitzPoisson.class, BenchCommand.Deq.class, NodeSpiralBench.class,
                SdfBunnyBench.class})
final class BenchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    /** Options shared by every benchmark. */
    static final class Common {
        @Option(names = "--iters", description = "Timed iterations (default: ${DEFAULT-VALUE}).", defaultValue = "300")
        int iters;

        @Option(names = "--dtype", description = "float32 or float64 (default: ${DEFAULT-VALUE}).", defaultValue = "float32",
                converter = DTypeConverter.class)
        DType dtype;

        @Option(names = "--threads", description = "Kernel threads (default: ${DEFAULT-VALUE}).", defaultValue = "2")
        int threads;

        @Option(names = "--seed", description = "Random seed (default: ${DEFAULT-VALUE}).", defaultValue = "0")
        long seed;

        @Option(names = "--backend", description = "jvm or nd4j (default: ${DEFAULT-VALUE}).", defaultValue = "jvm")
        String backend;

        Backend select() {
            if (threads < 1) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--threads must be >= 1, got " + threads);
            }
            JvmBackend.setThreads(threads);
            return Backends.byName(backend);
        }

        Map<String, Object> header(Backend b) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("dtype", dtype.toString());
            m.put("threads", threads);
            m.put("seed", seed);
            m.put("backend", b.toString());
            return m;
        }
    }

    static final class DTypeConverter implements CommandLine.ITypeConverter<DType> {
        @Override
        public DType convert(String value) {
            return DType.parse(value);
        }
    }

    static void emit(Map<String, Object> header, Map<String, Object> result) throws Exception {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("benchmark", result.remove("benchmark"));
        line.putAll(header);
        line.putAll(result);
        System.out.println(new ObjectMapper().writeValueAsString(line));
        System.out.flush();
    }

    @Command(name = "micro", description = "MLP 2-64-64-64-1 step timings, GEMM GFLOP/s and the peak RSS of 10,000 training steps.")
    static final class Micro implements Callable<Integer> {
        @CommandLine.Mixin
        Common common = new Common();

        @Option(names = "--warmup", description = "Untimed iterations first (default: ${DEFAULT-VALUE}).", defaultValue = "200")
        int warmup;

        @Option(names = "--train-steps", description = "Training steps before reading the peak RSS (default: ${DEFAULT-VALUE}).",
                defaultValue = "10000")
        int trainSteps;

        @Override
        public Integer call() throws Exception {
            Backend b = common.select();
            var o = new MicroBenchmark.Options(common.iters, warmup, common.dtype, common.seed, 1024, trainSteps, b);
            Map<String, Object> r = MicroBenchmark.run(o, msg -> System.err.println("[micro] " + msg));
            Map<String, Object> h = common.header(b);
            h.put("iters", common.iters);
            h.put("warmup", warmup);
            emit(h, r);
            return 0;
        }
    }

    @Command(name = "ritz-poisson", description = "Deep Ritz on -Laplace(u) = 2 pi^2 sin(pi x) sin(pi y), [0,1]^2: ms/iter and error milestones.")
    static final class RitzPoisson implements Callable<Integer> {
        @CommandLine.Mixin
        Common common = new Common();

        @Option(names = "--best", description = "Use this solver's best method within --budget-s seconds.")
        boolean best;

        @Option(names = "--budget-s", description = "Wall-clock budget for --best (default: ${DEFAULT-VALUE}).", defaultValue = "90")
        double budget;

        @Override
        public Integer call() throws Exception {
            Backend b = common.select();
            int iters = common.iters == 300 ? 5000 : common.iters;
            java.util.function.Consumer<String> log = msg -> System.err.println("[ritz-poisson] " + msg);
            Map<String, Object> r = best ? org.implicitlayers.examples.bench.RitzPoissonBenchmark.best(budget, common.seed, log)
                    : org.implicitlayers.examples.bench.RitzPoissonBenchmark.standard(iters, common.dtype, common.seed, log);
            Map<String, Object> h = common.header(b);
            if (best) {
                h.put("dtype", "float64"); // the best method's own choice, whatever --dtype says
            }
            emit(h, r);
            return 0;
        }
    }

    @Command(name = "deq", description = "A DEQ layer with Anderson acceleration and implicit backward: ms/step, iterations, gradient error.")
    static final class Deq implements Callable<Integer> {
        @CommandLine.Mixin
        Common common = new Common();

        @Override
        public Integer call() throws Exception {
            Backend b = common.select();
            int steps = common.iters == 300 ? 200 : common.iters;
            Map<String, Object> r = org.implicitlayers.examples.bench.DeqBenchmark.run(steps, common.dtype, common.seed,
                    msg -> System.err.println("[deq] " + msg));
            emit(common.header(b), r);
            return 0;
        }
    }
}
