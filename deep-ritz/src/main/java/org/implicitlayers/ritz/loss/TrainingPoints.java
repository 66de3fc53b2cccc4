package org.implicitlayers.ritz.loss;

import org.implicitlayers.core.DType;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.ritz.domain.Domain;
import org.implicitlayers.ritz.sampling.PointSource;

/**
 * The collocation points of a run: interior points [n, d] and boundary points with their outward
 * normals, drawn afresh at every request or once and then reused; points added by adaptive
 * refinement; and the fixed quasi-random set that L-BFGS (which needs a deterministic objective)
 * works on. The only mutable state of a solve besides the network and the optimiser.
 */
public final class TrainingPoints {
    private final Domain domain;
    private final int nInterior;
    private final int nBoundary;
    private final PointSource interiorSource;
    private final PointSource boundarySource;
    private final boolean resample;
    private final DType dtype;
    private Tensor fixedInterior;
    private Domain.BoundarySample fixedBoundary;
    private Tensor added;
    private boolean frozen;

    /**
     * @param domain         where points lie
     * @param nInterior      interior points per request
     * @param nBoundary      boundary points per request
     * @param interiorSource unit-cube points mapped into the interior
     * @param boundarySource unit-cube points mapped onto the boundary
     * @param resample       fresh points at every request (else one set, drawn at the first request)
     * @param dtype          dtype of the point tensors
     */
    public TrainingPoints(Domain domain, int nInterior, int nBoundary, PointSource interiorSource, PointSource boundarySource,
                          boolean resample, DType dtype) {
        this.domain = domain;
        this.nInterior = nInterior;
        this.nBoundary = nBoundary;
        this.interiorSource = interiorSource;
        this.boundarySource = boundarySource;
        this.resample = resample;
        this.dtype = dtype;
    }

    public Domain domain() {
        return domain;
    }

    public DType dtype() {
        return dtype;
    }

    /** Interior points for one loss evaluation [n, d], refined points appended. */
    public Tensor interior() {
        Tensor base;
        if (!resample || frozen) {
            if (fixedInterior == null) {
                fixedInterior = domain.sampleInterior(nInterior, interiorSource, dtype);
            }
            base = fixedInterior;
        } else {
            base = domain.sampleInterior(nInterior, interiorSource, dtype);
        }
        return added == null ? base : Tensor.concat(0, base, added);
    }

    /** Boundary points and normals for one loss evaluation. */
    public Domain.BoundarySample boundary() {
        if (!resample || frozen) {
            if (fixedBoundary == null) {
                fixedBoundary = domain.sampleBoundary(nBoundary, boundarySource, dtype);
            }
            return fixedBoundary;
        }
        return domain.sampleBoundary(nBoundary, boundarySource, dtype);
    }

    /** {@code n} fresh interior candidates from the interior source (for refinement). */
    public Tensor candidates(int n) {
        return domain.sampleInterior(n, interiorSource, dtype);
    }

    /** Adds points [k, d] to every later interior set, for good. */
    public void add(Tensor points) {
        added = added == null ? points : Tensor.concat(0, added, points);
    }

    /** The points added by refinement so far [k, d], or null when none. */
    public Tensor added() {
        return added;
    }

    /**
     * Uses one fixed set until {@link #thaw()}: when points were being drawn afresh, a new set of
     * {@code factor} times the per-step counts, quasi-random (Halton inside, Sobol on the boundary),
     * which represents the domain better than one random draw; else the fixed set already in use.
     */
    public void freeze(int factor) {
        if (resample) {
            fixedInterior = domain.sampleInterior(factor * nInterior, PointSource.halton(domain.dim() + 1), dtype);
            fixedBoundary = nBoundary > 0 ? domain.sampleBoundary(factor * nBoundary, PointSource.sobol(domain.dim() + 1), dtype) : null;
        }
        frozen = true;
    }

    /** Back to the sampling given at construction. */
    public void thaw() {
        frozen = false;
    }
}
