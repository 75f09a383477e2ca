package lodi.tensor;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD switch. With {@code -Dlodi.simd=off} or {@code LODI_SIMD=off} every kernel runs its plain scalar
 * reference instead of the Vector API path: a built-in A/B check, and a fallback on JVMs where the Vector API
 * is not intrinsified.
 */
public final class Simd {
    /** The widest float species this CPU supports (16 lanes with AVX-512). */
    public static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private static final boolean ENABLED = readSwitch();

    private Simd() {
    }

    /** True unless SIMD was turned off for this JVM. */
    public static boolean enabled() {
        return ENABLED;
    }

    private static boolean readSwitch() {
        String value = EngineSettings.setting("lodi.simd", "LODI_SIMD");
        return value == null || !(value.equalsIgnoreCase("off") || value.equals("0") || value.equalsIgnoreCase("false"));
    }
}
