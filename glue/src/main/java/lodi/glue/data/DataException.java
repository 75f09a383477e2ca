package lodi.glue.data;

/**
 * Bad or missing data input. The message alone tells the user what is wrong, where (file and 1-based line)
 * and what to do; callers print it as one line, never with a stack trace.
 */
public final class DataException extends RuntimeException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
