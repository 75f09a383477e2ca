package lodi.glue.cli;

/**
 * A top-level {@code lodi} command contributed by a module above glue (such as {@code bench}), found with
 * {@link java.util.ServiceLoader}. Implementations are picocli {@code @Command} classes.
 */
public interface Subcommand {
}
