package lodi.glue.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** docs/WALKTHROUGH.md names only classes, files and commands that exist. */
class WalkthroughTest {
    @Test
    void everyClassAndCommandItNamesExists() throws IOException {
        Path root = ExperimentOptions.projectRoot();
        String text = Files.readString(root.resolve("docs/WALKTHROUGH.md"));
        Set<String> classes = new HashSet<>();
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(p -> p.toString().endsWith(".java") && !p.toString().contains("/target/"))
                    .forEach(p -> classes.add(p.getFileName().toString().replace(".java", "")));
        }
        // `.../Name`, `Name.method` or `Name` in backticks, CamelCase: a class of the project
        Matcher named = Pattern.compile("`(?:[\\w./]*/)?([A-Z][A-Za-z]+)(?:\\.[a-zA-Z]+)?`").matcher(text);
        int checked = 0;
        while (named.find()) {
            assertTrue(classes.contains(named.group(1)), "WALKTHROUGH.md names " + named.group() + ", no such class");
            checked++;
        }
        assertTrue(checked > 15, "found the class names: " + checked);
        Matcher command = Pattern.compile("\\./lodi (\\w[\\w-]*)").matcher(text);
        while (command.find()) {
            String name = command.group(1);
            assertTrue(name.equals("test") || Lodi.commandLine().getSubcommands().containsKey(name),
                    "WALKTHROUGH.md runs ./lodi " + name + ", no such command");
        }
        Matcher link = Pattern.compile("\\]\\(([A-Z]+\\.md)\\)").matcher(text);
        while (link.find()) {
            assertTrue(Files.isRegularFile(root.resolve("docs").resolve(link.group(1))), link.group());
        }
    }
}
