package org.implicitlayers.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
@Command(
        name = "bench",
        description =
                "Run a benchmark (see docs/benchmarks.md); prints one JSON line per result on stdout.",
        subcommands = {
            BenchCommand.Micro.class,
            BenchCommand.RitzPoisson.class,
            BenchCommand.RitzAccuracy.class,
            BenchCommand.Deq.class,
            NodeSpiralBench.class,
            SdfBunnyBench.class,
            BenchCommand.Gemm.class,
            QpBench.class
        })
final class BenchCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    /** Options shared by every benchmark. */
    static final class Common {
        @Option(
                names = "--iters",
                description =
                        "Timed iterations (default: the benchmark's own, as docs/benchmarks.md defines it: "
                                + "micro 300, ritz-poisson 5000, deq 200, node-spiral 300, sdf-bunny 2000, qp 20).")
        Integer iters;

        @Option(
                names = "--dtype",
                description =
                        "float32 or float64 (default: ${DEFAULT-VALUE}; qp runs in float64 only).",
                defaultValue = "float32",
                converter = DTypeConverter.class)
        DType dtype;

        @Option(
                names = "--threads",
                description = "Kernel threads (default: ${DEFAULT-VALUE}).",
                defaultValue = "2")
        int threads;

        @Option(
                names = "--seed",
                description = "Random seed (default: ${DEFAULT-VALUE}).",
                defaultValue = "0")
        long seed;

        @Option(
                names = "--backend",
                description = "jvm or nd4j (default: ${DEFAULT-VALUE}).",
                defaultValue = "jvm")
        String backend;

        /** The backend asked for (jvm or nd4j), with the kernel threads set. */
        Backend select() {
            if (threads < 1) {
                throw new CommandLine.ParameterException(
                        new CommandLine(this), "--threads must be >= 1, got " + threads);
            }
            JvmBackend.setThreads(threads);
            return Backends.byName(backend);
        }

        /**
         * For benchmarks that run on the JVM backend only: refuses --backend nd4j instead of
         * ignoring it.
         */
        Backend selectJvmOnly(String benchmark) {
            if (!backend.equals("jvm")) {
                throw new CommandLine.ParameterException(
                        new CommandLine(this),
                        "bench "
                                + benchmark
                                + " runs on the JVM backend only; got "
                                + "--backend "
                                + backend
                                + " (micro, ritz-poisson and deq run on nd4j)");
            }
            return select();
        }

        /** --iters, or the benchmark's default when it was not given. */
        int iters(int benchmarkDefault) {
            if (iters == null) {
                return benchmarkDefault;
            }
            if (iters < 1) {
                throw new CommandLine.ParameterException(
                        new CommandLine(this), "--iters must be >= 1, got " + iters);
            }
            return iters;
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
            try {
                return DType.parse(value);
            } catch (IllegalArgumentException e) {
                // Picocli would otherwise quote the exception's class name to the user.
                throw new CommandLine.TypeConversionException(
                        "expected float32 or float64, got '" + value + "'");
            }
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

    @Command(
            name = "micro",
            description =
                    "MLP 2-64-64-64-1 step timings, GEMM GFLOP/s and the peak RSS of 10,000 training steps.")
    static final class Micro implements Callable<Integer> {
        @CommandLine.Mixin Common common = new Common();

        @Option(
                names = "--warmup",
                description = "Untimed iterations first (default: ${DEFAULT-VALUE}).",
                defaultValue = "200")
        int warmup;

        @Option(
                names = "--train-steps",
                description =
                        "Training steps before reading the peak RSS (default: ${DEFAULT-VALUE}).",
                defaultValue = "10000")
        int trainSteps;

        @Override
        public Integer call() throws Exception {
            Backend b = common.select();
            int iters = common.iters(300);
            var o =
                    new MicroBenchmark.Options(
                            iters, warmup, common.dtype, common.seed, 1024, trainSteps, b);
            Map<String, Object> r =
                    MicroBenchmark.run(o, msg -> System.err.println("[micro] " + msg));
            Map<String, Object> h = common.header(b);
            h.put("iters", iters);
            h.put("warmup", warmup);
            emit(h, r);
            return 0;
        }
    }

    @Command(
            name = "ritz-poisson",
            description =
                    "Deep Ritz on -Laplace(u) = 2 pi^2 sin(pi x) sin(pi y), [0,1]^2: ms/iter and error milestones.")
    static final class RitzPoisson implements Callable<Integer> {
        @CommandLine.Mixin Common common = new Common();

        @Option(
                names = "--best",
                description = "Use this solver's best method within --budget-s seconds.")
        boolean best;

        @Option(
                names = "--budget-s",
                description = "Wall-clock budget for --best (default: ${DEFAULT-VALUE}).",
                defaultValue = "90")
        double budget;

        @Override
        public Integer call() throws Exception {
            Backend b = common.select();
            java.util.function.Consumer<String> log =
                    msg -> System.err.println("[ritz-poisson] " + msg);
            if (best && (common.iters != null || common.dtype != DType.FLOAT32)) {
                throw new CommandLine.ParameterException(
                        new CommandLine(this),
                        "--best chooses its own dtype (float64) and runs for "
                                + "--budget-s seconds: --iters and --dtype do not apply");
            }
            Map<String, Object> r =
                    best
                            ? org.implicitlayers.examples.bench.RitzPoissonBenchmark.best(
                                    budget, common.seed, b, log)
                            : org.implicitlayers.examples.bench.RitzPoissonBenchmark.standard(
                                    common.iters(5000), common.dtype, common.seed, b, log);
            Map<String, Object> h = common.header(b);
            if (best) {
                h.put("dtype", "float64"); // the best method's own choice, whatever --dtype says
            }
            emit(h, r);
            return 0;
        }
    }

    @Command(
            name = "ritz-accuracy",
            description =
                    "The relative L2 and H1 errors that Adam, Adam + L-BFGS and ENGD reach within a "
                            + "wall-clock budget, per problem (default: the built-in 2-D Poisson problems); one JSON line per problem and optimiser.")
    static final class RitzAccuracy implements Callable<Integer> {
        @CommandLine.Mixin Common common = new Common();

        @CommandLine.Parameters(
                arity = "0..*",
                paramLabel = "PROBLEM|FILE.json",
                description =
                        "Built-in problems or problem files (default: poisson-square, poisson-disk, l-shape).")
        List<String> problems = new ArrayList<>();

        @Option(
                names = "--budget-s",
                description =
                        "Wall-clock budget per problem and optimiser (default: ${DEFAULT-VALUE}).",
                defaultValue = "60")
        double budget;

        @Option(
                names = "--optimizers",
                split = ",",
                description = "Which, comma-separated (default: adam,adam+lbfgs,engd,engd-ritz).")
        List<String> optimizers =
                new ArrayList<>(org.implicitlayers.examples.bench.RitzAccuracyBenchmark.OPTIMIZERS);

        @Override
        public Integer call() throws Exception {
            Backend b = common.select();
            if (!(budget > 0)) {
                throw new CommandLine.ParameterException(
                        new CommandLine(this),
                        "--budget-s: expected a positive number of seconds, got " + budget);
            }
            for (String opt : optimizers) {
                if (!org.implicitlayers.examples.bench.RitzAccuracyBenchmark.OPTIMIZERS.contains(
                        opt)) {
                    throw new CommandLine.ParameterException(
                            new CommandLine(this),
                            "--optimizers: unknown '"
                                    + opt
                                    + "', expected some of "
                                    + org.implicitlayers.examples.bench.RitzAccuracyBenchmark
                                            .OPTIMIZERS);
                }
            }
            List<String> names =
                    problems.isEmpty()
                            ? List.of("poisson-square", "poisson-disk", "l-shape")
                            : problems;
            List<org.implicitlayers.ritz.ProblemSpec> specs = new ArrayList<>();
            for (String n : names) {
                if (java.nio.file.Files.exists(java.nio.file.Path.of(n)) || n.endsWith(".json")) {
                    specs.add(org.implicitlayers.ritz.ProblemFile.load(java.nio.file.Path.of(n)));
                } else {
                    specs.add(
                            org.implicitlayers.ritz.Examples.spec(n)
                                    .orElseThrow(
                                            () ->
                                                    new CommandLine.ParameterException(
                                                            new CommandLine(this),
                                                            "unknown problem '"
                                                                    + n
                                                                    + "': give a JSON file or one of "
                                                                    + org.implicitlayers.ritz
                                                                            .Examples.names())));
                }
            }
            java.util.function.Consumer<String> log =
                    msg -> System.err.println("[ritz-accuracy] " + msg);
            for (org.implicitlayers.ritz.ProblemSpec spec : specs) {
                for (String opt : optimizers) {
                    log.accept(spec.name() + " " + opt + " (" + budget + " s)");
                    Map<String, Object> h = common.header(b);
                    h.remove("dtype");
                    emit(
                            h,
                            org.implicitlayers.examples.bench.RitzAccuracyBenchmark.run(
                                    spec, opt, budget, common.seed, log));
                }
            }
            return 0;
        }
    }

    @Command(
            name = "deq",
            description =
                    "A DEQ layer with Anderson acceleration and implicit backward: ms/step, iterations, gradient error.")
    static final class Deq implements Callable<Integer> {
        @CommandLine.Mixin Common common = new Common();

        @Override
        public Integer call() throws Exception {
            Backend b = common.select();
            Map<String, Object> r =
                    org.implicitlayers.examples.bench.DeqBenchmark.run(
                            common.iters(200),
                            common.dtype,
                            common.seed,
                            b,
                            msg -> System.err.println("[deq] " + msg));
            emit(common.header(b), r);
            return 0;
        }
    }

    @Command(
            name = "gemm",
            description =
                    "GFLOP/s of the matrix products that dominate training: 1024^3, 2048^3, 4096x256x256 and "
                            + "its weight-gradient form A^T B.")
    static final class Gemm implements Callable<Integer> {
        @CommandLine.Mixin Common common = new Common();

        @Option(
                names = "--seconds",
                description =
                        "Timed seconds per shape, after as long a warm-up (default: ${DEFAULT-VALUE}).",
                defaultValue = "2")
        double seconds;

        @Override
        public Integer call() throws Exception {
            Backend b = common.select();
            if (!(seconds > 0)) {
                throw new CommandLine.ParameterException(
                        new CommandLine(this), "--seconds must be > 0, got " + seconds);
            }
            Map<String, Object> r =
                    org.implicitlayers.examples.bench.GemmBenchmark.run(
                            common.dtype,
                            common.seed,
                            seconds,
                            b,
                            msg -> System.err.println("[gemm] " + msg));
            Map<String, Object> h = common.header(b);
            h.put("kernels", Backends.jvm().kernelName());
            emit(h, r);
            return 0;
        }
    }
}
