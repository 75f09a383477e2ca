package lodi.glue.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/** Reads the JSON files of run folders and caches: every problem is one sentence naming the file and the place. */
public final class JsonFiles {
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private JsonFiles() {
    }

    /**
     * The JSON object in {@code file}.
     *
     * @param remedy what the user should do when the file is damaged, e.g. "move the run folder away"
     */
    public static JsonNode readObject(Path file, String remedy) throws IOException {
        JsonNode node = read(file, remedy);
        if (!node.isObject()) {
            throw new DataException(file + ": expected a JSON object, found " + node.getNodeType().name().toLowerCase(
                    java.util.Locale.ROOT) + "; " + remedy);
        }
        return node;
    }

    /** The JSON value in {@code file} (an object, an array, ...). */
    public static JsonNode read(Path file, String remedy) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DataException(file + ": no such file; " + remedy);
        }
        String text = Files.readString(file);
        if (text.isBlank()) {
            throw new DataException(file + ": the file is empty (damaged); " + remedy);
        }
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JacksonException e) {
            TokenStreamLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new DataException(file + ": not valid JSON" + where + " (" + e.getOriginalMessage() + "); " + remedy);
        }
        return node;
    }
}
