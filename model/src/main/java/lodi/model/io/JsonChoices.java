package lodi.model.io;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.InvalidFormatException;

/**
 * Settings that name one of a few choices are enums whose constants carry their JSON name in {@link JsonProperty}
 * ({@code "cosine"}, {@code "every_layer"}); this words a value that names none of them.
 */
public final class JsonChoices {
    private JsonChoices() {
    }

    /** The JSON name of {@code choice}, as its {@link JsonProperty} gives it. */
    public static String jsonName(Enum<?> choice) {
        try {
            JsonProperty name = choice.getDeclaringClass().getField(choice.name()).getAnnotation(JsonProperty.class);
            return name == null ? choice.name() : name.value();
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(e);
        }
    }

    /** "KEY must be a, b, got 'x'" for a value that names no choice of its enum; Jackson's words otherwise. */
    public static String problem(InvalidFormatException e) {
        String key = e.getPath().stream().map(JacksonException.Reference::getPropertyName)
                .filter(Objects::nonNull).collect(Collectors.joining("."));
        Class<?> type = e.getTargetType();
        if (type == null || !type.isEnum()) {
            return key + ": " + e.getOriginalMessage();
        }
        String valid = Arrays.stream((Enum<?>[]) type.getEnumConstants()).map(JsonChoices::jsonName)
                .collect(Collectors.joining(", "));
        return key + " must be " + valid + ", got '" + e.getValue() + "'";
    }
}
