package org.implicitlayers.core;

import org.apache.commons.rng.RandomProviderState;
import org.apache.commons.rng.RestorableUniformRandomProvider;
import org.apache.commons.rng.core.RandomProviderDefaultState;
import org.apache.commons.rng.sampling.distribution.ZigguratSampler;
import org.apache.commons.rng.simple.RandomSource;

/**
 * The one seeded random generator of a run, passed explicitly. Its state can be saved and restored,
 * which bit-identical resume from a checkpoint needs. Generator: xoroshiro128++.
 */
public final class Rng {
    private final RestorableUniformRandomProvider provider;
    private final ZigguratSampler.NormalizedGaussian gaussian;

    private Rng(RestorableUniformRandomProvider provider) {
        this.provider = provider;
        this.gaussian = ZigguratSampler.NormalizedGaussian.of(provider);
    }

    /** A generator started from {@code seed}: the same seed gives the same stream. */
    public static Rng seeded(long seed) {
        return new Rng(RandomSource.XO_RO_SHI_RO_128_PP.create(seed));
    }

    /** Uniform in [0, 1). */
    public double nextDouble() {
        return provider.nextDouble();
    }

    /** Standard normal. */
    public double nextGaussian() {
        return gaussian.sample();
    }

    /** Uniform in [0, n). */
    public int nextInt(int n) {
        return provider.nextInt(n);
    }

    /** A uniformly distributed long. */
    public long nextLong() {
        return provider.nextLong();
    }

    /** The generator's state as bytes, for checkpoints. */
    public byte[] saveState() {
        return ((RandomProviderDefaultState) provider.saveState()).getState();
    }

    /** Restores a state produced by {@link #saveState()}. */
    public void restoreState(byte[] state) {
        RandomProviderState s = new RandomProviderDefaultState(state);
        provider.restoreState(s);
    }
}
