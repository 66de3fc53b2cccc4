package org.implicitlayers.examples.cli;

import java.util.concurrent.Callable;
import org.implicitlayers.core.Backends;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.backend.jvm.CpuInfo;
import org.implicitlayers.core.backend.jvm.GemmPlan;
import org.implicitlayers.core.backend.jvm.JvmBackend;
import org.implicitlayers.examples.bench.GemmBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Prints the processor, the kernels and GEMM plan chosen for it, the threads, and a short GEMM
 * self-test.
 */
@Command(
        name = "info",
        description =
                "Show the CPU, the kernels and GEMM plan chosen for it, the threads, and a GEMM self-test (about 1 s).")
final class InfoCommand implements Callable<Integer> {
    @Option(names = "--no-self-test", description = "Skip the GEMM self-test.")
    boolean noSelfTest;

    @Override
    public Integer call() {
        JvmBackend jvm = Backends.jvm();
        CpuInfo cpu = CpuInfo.current();
        GemmPlan plan = jvm.gemmPlan();
        int lanes = JvmBackend.vectorFloatLanes();
        System.out.println("cpu: " + cpu.model() + " (" + cpu.arch() + ")");
        System.out.printf(
                "caches: L1d %d KB, L2 %d KB, L3 %s%n",
                cpu.l1dBytes() >> 10,
                cpu.l2Bytes() >> 10,
                cpu.l3Bytes() > 0 ? (cpu.l3Bytes() >> 20) + " MB" : "unknown");
        System.out.println("vector registers: " + cpu.registers() + " (" + cpu.source() + ")");
        System.out.println("backend: " + Backends.current());
        System.out.println(
                "jvm kernels: "
                        + jvm.kernelName()
                        + (lanes > 1 ? ", " + lanes + " floats per vector" : "")
                        + ", threads: "
                        + JvmBackend.threads());
        System.out.println("gemm: " + plan);
        int kStep = JvmBackend.gemmKStep();
        System.out.println(
                "gemm k per 6x2 kernel loop: "
                        + (kStep == Integer.MAX_VALUE
                                ? "all (no safepoint polls in counted loops)"
                                : kStep
                                        + " (this JVM keeps safepoint polls in counted loops, as"
                                        + " with G1; shorter loops are exempt)"));
        System.out.println(
                "java: "
                        + System.getProperty("java.vm.name")
                        + " "
                        + System.getProperty("java.version"));
        if (!noSelfTest) {
            double g =
                    GemmBenchmark.gflops(
                            GemmBenchmark.SHAPES[0], DType.FLOAT32, Rng.seeded(0), 0.25);
            System.out.printf(
                    "gemm self-test: %.1f GFLOP/s (1024 x 1024 x 1024, float32, median over 0.25 s after a"
                            + " warm-up)%n",
                    g);
        }
        return 0;
    }
}
