package lodi.glue.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One run of the {@code lodi} command line in-process: its exit code and what it printed to out and err. */
public record LodiRun(int code, String out, String err) {
    public static LodiRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = Lodi.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new LodiRun(code, out.toString(), err.toString());
    }
}
