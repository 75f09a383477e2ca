package lodi.glue.experiment;

/**
 * A setting that cannot be used: an unknown preset or key, a value out of range, an option the preset does not
 * take. The message names the setting and what to do; the command line prints it as one line and exits 2.
 */
public final class ConfigurationException extends RuntimeException {
    public ConfigurationException(String message) {
        super(message);
    }
}
