package org.implicitlayers.examples.cli;

import java.util.concurrent.Callable;
import org.implicitlayers.core.Backends;
import org.implicitlayers.core.backend.jvm.JvmBackend;
import picocli.CommandLine.Command;

/** Prints which kernels and how many threads the JVM backend uses. */
@Command(name = "info", description = "Show the backend, kernels and threads in use.")
final class InfoCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        JvmBackend jvm = Backends.jvm();
        System.out.println("backend: " + Backends.current());
        System.out.println("jvm kernels: " + jvm.kernelName() + ", threads: " + JvmBackend.threads());
        System.out.println("java: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        return 0;
    }
}
