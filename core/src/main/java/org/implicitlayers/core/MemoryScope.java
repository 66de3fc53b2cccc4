package org.implicitlayers.core;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.implicitlayers.core.backend.Storage;

/**
 * Deterministic release of tensor memory. Storages that a backend allocates off the Java heap
 * (ND4J) while a scope is open on this thread are freed when it closes, except those of the tensors
 * passed to {@link #keep}; the garbage collector frees off-heap buffers late. The JVM backend
 * recycles its large arrays (64K elements and up) the same way: those released when a scope closes
 * serve the next step's allocations, so a training loop runs without garbage collections. A
 * training loop should therefore run each step in a scope ({@code Trainer} does). A tensor whose
 * memory was released refuses to be read (IllegalStateException) rather than show another tensor's
 * values.
 *
 * <pre>{@code
 * for (int step = 0; step < n; step++) {
 *     try (MemoryScope scope = MemoryScope.open()) {
 *         Tensor loss = model.loss(batch);
 *         loss.backward();
 *         scope.keep(parameterGrads);   // survives the scope
 *     }
 * }
 * }</pre>
 */
public final class MemoryScope implements AutoCloseable {
    private static final ThreadLocal<MemoryScope> CURRENT = new ThreadLocal<>();

    /** Something that frees a storage's memory now. */
    public interface Releaser {
        void release(Storage s);
    }

    private final MemoryScope parent;
    private final List<Storage> owned = new ArrayList<>();
    private final List<Releaser> releasers = new ArrayList<>();
    private final Map<Storage, Boolean> kept = new IdentityHashMap<>();
    private final Map<Storage, Boolean> detached = new IdentityHashMap<>();
    private boolean closed;

    private MemoryScope(MemoryScope parent) {
        this.parent = parent;
    }

    /**
     * Opens a scope on this thread; close it (try-with-resources) to free what was allocated
     * inside.
     */
    public static MemoryScope open() {
        MemoryScope s = new MemoryScope(CURRENT.get());
        CURRENT.set(s);
        return s;
    }

    /**
     * Whether a scope is open on this thread (backends that recycle memory only do so inside one).
     */
    public static boolean isOpen() {
        return CURRENT.get() != null;
    }

    /** Called by backends for every storage they allocate that a scope should release. */
    public static void register(Storage s, Releaser releaser) {
        MemoryScope scope = CURRENT.get();
        if (scope != null) {
            scope.owned.add(s);
            scope.releasers.add(releaser);
        }
    }

    /**
     * Takes a tensor's storage out of every open scope on this thread, for values that outlive the
     * step that made them: parameters, their gradients, optimiser state. Their owner frees them
     * ({@link org.implicitlayers.core.backend.Backend#release}) when it replaces them.
     */
    public static void persist(Tensor t) {
        detach(t.storage());
    }

    static void detach(Storage s) {
        for (MemoryScope scope = CURRENT.get(); scope != null; scope = scope.parent) {
            scope.detached.put(s, Boolean.TRUE);
        }
    }

    /**
     * Keeps these tensors' storages alive past this scope (they move to the enclosing scope, if
     * any).
     */
    public void keep(Tensor... tensors) {
        for (Tensor t : tensors) {
            if (t != null) {
                kept.put(t.storage(), Boolean.TRUE);
            }
        }
    }

    /** Number of storages this scope would free now. */
    public int tracked() {
        int n = 0;
        for (Storage s : owned) {
            if (!kept.containsKey(s) && !detached.containsKey(s)) {
                n++;
            }
        }
        return n;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        CURRENT.set(parent);
        for (int i = 0; i < owned.size(); i++) {
            Storage s = owned.get(i);
            if (detached.containsKey(s)) {
                continue;
            }
            if (kept.containsKey(s)) {
                if (parent != null) {
                    parent.owned.add(s);
                    parent.releasers.add(releasers.get(i));
                }
            } else {
                releasers.get(i).release(s);
            }
        }
        owned.clear();
        releasers.clear();
    }
}
