package org.implicitlayers.core.backend.jvm;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What the GEMM kernels need to know about the processor they run on: how many vector registers the
 * JIT may use, and the data cache sizes. Read once at start-up from the JVM (HotSpot's {@code
 * UseAVX}: 3 and up means AVX-512, 32 registers; 1-2 means AVX/AVX2, 16) and from the operating
 * system ({@code /sys/devices/system/cpu/cpu0/cache}, {@code /proc/cpuinfo} on Linux); where
 * neither answers, the defaults of a common desktop core (16 registers, 32 KB L1d, 512 KB L2) are
 * assumed and {@link #source()} says so.
 *
 * @param model the processor's name as the OS reports it ("unknown" where it does not)
 * @param arch {@code os.arch}
 * @param registers vector registers the JIT may allocate (16 or 32)
 * @param l1dBytes level-1 data cache per core, bytes
 * @param l2Bytes level-2 cache per core, bytes
 * @param l3Bytes last-level cache, bytes (0 where unknown)
 * @param source where {@code registers} and the cache sizes came from, for {@code info}
 */
public record CpuInfo(
        String model,
        String arch,
        int registers,
        int l1dBytes,
        int l2Bytes,
        long l3Bytes,
        String source) {
    public CpuInfo {
        if (registers < 8 || l1dBytes <= 0 || l2Bytes <= 0) {
            throw new IllegalArgumentException(
                    "CpuInfo: registers >= 8 and positive cache sizes expected, got "
                            + registers
                            + " registers, L1d "
                            + l1dBytes
                            + ", L2 "
                            + l2Bytes);
        }
    }

    private static final CpuInfo DETECTED = detect();

    /** This machine, as detected once. */
    public static CpuInfo current() {
        return DETECTED;
    }

    static CpuInfo detect() {
        String arch = System.getProperty("os.arch", "unknown");
        String model = "unknown";
        String flags = "";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                String l = line.toLowerCase(Locale.ROOT);
                if (model.equals("unknown")
                        && (l.startsWith("model name")
                                || l.startsWith("cpu model")
                                || l.startsWith("hardware"))) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                } else if (flags.isEmpty() && (l.startsWith("flags") || l.startsWith("features"))) {
                    flags = " " + l.substring(l.indexOf(':') + 1).trim() + " ";
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: keep the defaults
        }
        StringBuilder source = new StringBuilder();
        int registers;
        Integer useAvx = hotspotIntOption("UseAVX");
        if (arch.equals("aarch64") || arch.equals("arm64")) {
            registers = 32;
            source.append("registers: aarch64 (32)");
        } else if (useAvx != null) {
            registers = useAvx >= 3 ? 32 : 16;
            source.append("registers: HotSpot UseAVX=").append(useAvx);
        } else if (flags.contains(" avx512f ")) {
            registers = 32;
            source.append("registers: cpu flag avx512f");
        } else {
            registers = 16;
            source.append("registers: assumed 16");
        }
        long l1 = 0, l2 = 0, l3 = 0;
        Path caches = Path.of("/sys/devices/system/cpu/cpu0/cache");
        try (var dirs = Files.list(caches)) {
            for (Path d :
                    (Iterable<Path>)
                            dirs.filter(p -> p.getFileName().toString().startsWith("index"))
                                    ::iterator) {
                String type = read(d.resolve("type"));
                int level = Integer.parseInt(read(d.resolve("level")));
                long size = parseSize(read(d.resolve("size")));
                if (level == 1 && !type.equals("Instruction")) {
                    l1 = size;
                } else if (level == 2) {
                    l2 = size;
                } else if (level == 3) {
                    l3 = size;
                }
            }
        } catch (IOException | RuntimeException e) {
            // no sysfs: defaults below
        }
        if (l1 > 0 && l2 > 0) {
            source.append(", caches: ").append(caches);
        } else {
            source.append(", caches: assumed 32K/512K");
            l1 = l1 > 0 ? l1 : 32 << 10;
            l2 = l2 > 0 ? l2 : 512 << 10;
        }
        return new CpuInfo(model, arch, registers, (int) l1, (int) l2, l3, source.toString());
    }

    /**
     * The longest loop C2 compiles without a safepoint poll when this JVM keeps polls in counted
     * loops ({@code UseCountedLoopSafepoints}, on with G1, ZGC and Shenandoah: loops that C2 can
     * bound below {@code LoopStripMiningIterShortLoop} iterations are exempt), or {@link
     * Integer#MAX_VALUE} where it does not (the parallel and serial collectors) or the exemption is
     * off. Unknown options (not HotSpot) count as the G1 defaults.
     */
    static int shortLoopIterations() {
        Boolean polls = hotspotBooleanOption("UseCountedLoopSafepoints");
        Integer shortLoop = hotspotIntOption("LoopStripMiningIterShortLoop");
        if (polls != null && !polls) {
            return Integer.MAX_VALUE;
        }
        int n = shortLoop == null ? 100 : shortLoop;
        return n < 8 ? Integer.MAX_VALUE : n;
    }

    private static Boolean hotspotBooleanOption(String name) {
        try {
            var bean =
                    ManagementFactory.getPlatformMXBean(
                            com.sun.management.HotSpotDiagnosticMXBean.class);
            return bean == null ? null : Boolean.parseBoolean(bean.getVMOption(name).getValue());
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    private static Integer hotspotIntOption(String name) {
        try {
            var bean =
                    ManagementFactory.getPlatformMXBean(
                            com.sun.management.HotSpotDiagnosticMXBean.class);
            return bean == null ? null : Integer.parseInt(bean.getVMOption(name).getValue());
        } catch (RuntimeException | LinkageError e) {
            return null; // not HotSpot, not x86, or the management module is absent
        }
    }

    private static String read(Path p) throws IOException {
        List<String> lines = Files.readAllLines(p);
        return lines.isEmpty() ? "" : lines.get(0).trim();
    }

    /** "32K", "1024K", "32M", "65536" into bytes. */
    static long parseSize(String s) {
        String t = s.trim().toUpperCase(Locale.ROOT);
        long mult = 1;
        if (t.endsWith("K")) {
            mult = 1L << 10;
        } else if (t.endsWith("M")) {
            mult = 1L << 20;
        } else if (t.endsWith("G")) {
            mult = 1L << 30;
        }
        if (mult > 1) {
            t = t.substring(0, t.length() - 1);
        }
        return Long.parseLong(t.trim()) * mult;
    }
}
