package org.implicitlayers.core;

import org.implicitlayers.core.backend.Backend;
import org.implicitlayers.core.backend.jvm.JvmBackend;

/**
 * The backend that tensor factories use. The JVM backend is the default; the ND4J backend lives in
 * the module core-nd4j, is found by class name when that module is on the class path, and is
 * created on first request only, because loading it unpacks its native libraries (seconds).
 */
public final class Backends {
    /** The ND4J backend's class, in the core-nd4j module. */
    private static final String ND4J_CLASS = "org.implicitlayers.core.backend.nd4j.Nd4jBackend";

    private static final JvmBackend JVM = JvmBackend.create();
    private static volatile Backend nd4j;
    private static volatile Backend current = JVM;

    private Backends() {}

    /** The JVM backend (Vector API kernels when the incubator module is enabled). */
    public static JvmBackend jvm() {
        return JVM;
    }

    /**
     * The ND4J backend (CPU natives, or CUDA with the {@code cuda} build profile), created lazily.
     *
     * @throws IllegalStateException when core-nd4j is not on the class path, or ND4J fails to load
     */
    public static Backend nd4j() {
        Backend b = nd4j;
        if (b == null) {
            synchronized (Backends.class) {
                b = nd4j;
                if (b == null) {
                    try {
                        b =
                                (Backend)
                                        Class.forName(ND4J_CLASS)
                                                .getDeclaredConstructor()
                                                .newInstance();
                    } catch (ClassNotFoundException e) {
                        throw new IllegalStateException(
                                "the ND4J backend is not on the class path: add the dependency "
                                        + "org.implicitlayers:core-nd4j (its cuda profile for the GPU)",
                                e);
                    } catch (ReflectiveOperationException | LinkageError e) {
                        throw new IllegalStateException(
                                "the ND4J backend could not be loaded: " + e, e);
                    }
                    nd4j = b;
                }
            }
        }
        return b;
    }

    /** "jvm" or "nd4j". */
    public static Backend byName(String name) {
        switch (name) {
            case "jvm":
                return JVM;
            case "nd4j":
                return nd4j();
            default:
                throw new IllegalArgumentException(
                        "unknown backend '" + name + "': expected jvm or nd4j");
        }
    }

    /** The backend new tensors are created on. */
    public static Backend current() {
        return current;
    }

    /** Sets the backend new tensors are created on (for all threads). */
    public static void setCurrent(Backend backend) {
        current = java.util.Objects.requireNonNull(backend);
    }
}
