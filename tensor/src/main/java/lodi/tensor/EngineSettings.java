package lodi.tensor;

/**
 * The engine's environment settings: {@code LODI_THREADS} (or {@code -Dlodi.threads}), the kernels' thread count,
 * default the available processors; {@code LODI_BUFFERS} (or {@code -Dlodi.buffers}), {@link BufferPool}'s mode.
 * {@link #check} parses them up front, so that a bad value is reported as the user's mistake before any work
 * starts.
 */
public final class EngineSettings {
    private EngineSettings() {
    }

    /** Throws {@link IllegalArgumentException} naming the setting and its allowed values if one is malformed. */
    public static void check() {
        threads();
        buffers();
    }

    static int threads() {
        String value = setting("lodi.threads", "LODI_THREADS");
        if (value == null || value.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= 1) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("LODI_THREADS must be a positive whole number, got '" + value + "'");
    }

    static BufferPool.Mode buffers() {
        String value = setting("lodi.buffers", "LODI_BUFFERS");
        if (value == null || value.isBlank() || value.equalsIgnoreCase("on") || value.equalsIgnoreCase("reuse")) {
            return BufferPool.Mode.REUSE;
        }
        if (value.equalsIgnoreCase("off") || value.equals("0") || value.equalsIgnoreCase("false")) {
            return BufferPool.Mode.OFF;
        }
        if (value.equalsIgnoreCase("poison")) {
            return BufferPool.Mode.POISON;
        }
        throw new IllegalArgumentException("LODI_BUFFERS must be on, off or poison, got '" + value + "'");
    }

    /** The system property if set, else the environment variable, else null. */
    static String setting(String property, String environmentVariable) {
        String value = System.getProperty(property);
        return value != null ? value : System.getenv(environmentVariable);
    }
}
