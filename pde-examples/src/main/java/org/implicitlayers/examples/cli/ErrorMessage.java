package org.implicitlayers.examples.cli;

/** What a command prints when it fails: one line that says what failed, where and why. */
final class ErrorMessage {
    private ErrorMessage() {}

    /**
     * A failure in words: what failed, where and why. The JDK's file-system exceptions carry little
     * more than a path ({@code /proc/foo}) or only the reason ({@code Is a directory}).
     */
    static String of(Throwable ex) {
        Throwable t = ex;
        while ((t instanceof java.io.UncheckedIOException
                        || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof OutOfMemoryError) {
            return "out of memory ("
                    + t.getMessage()
                    + "): use fewer points or a smaller network, or give the JVM more with -Xmx";
        }
        if (t instanceof java.nio.file.FileSystemException f) {
            String what =
                    t instanceof java.nio.file.AccessDeniedException
                            ? "permission denied"
                            : t instanceof java.nio.file.NoSuchFileException
                                    ? "no such file or folder"
                                    : t instanceof java.nio.file.FileAlreadyExistsException
                                            ? "a file of that name is in the way"
                                            : t instanceof java.nio.file.NotDirectoryException
                                                    ? "not a folder"
                                                    : t
                                                                    instanceof
                                                                    java.nio.file
                                                                            .DirectoryNotEmptyException
                                                            ? "the folder is not empty"
                                                            : f.getReason() != null
                                                                    ? f.getReason()
                                                                    : t.getClass().getSimpleName();
            return "cannot access "
                    + (f.getFile() != null ? f.getFile() : "a file")
                    + (f.getOtherFile() != null ? " (or " + f.getOtherFile() + ")" : "")
                    + ": "
                    + what;
        }
        String msg = t.getMessage();
        if (msg == null || msg.isBlank()) {
            return t.getClass().getSimpleName();
        }
        return t instanceof java.io.IOException && !msg.contains("/") && !msg.contains(":")
                ? "I/O error: " + msg
                : msg;
    }
}
