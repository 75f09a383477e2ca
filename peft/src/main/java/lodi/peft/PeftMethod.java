package lodi.peft;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The five fine-tuning methods, named exactly as on the command line, in folder names, JSON and tables. */
public enum PeftMethod {
    FULL_FT("full_ft"),
    BITFIT("bitfit"),
    ADAPTERS("adapters"),
    WEIGHT_LORA("weight_lora"),
    LORA_DIFFUSION("lora_diffusion");

    private final String id;

    PeftMethod(String id) {
        this.id = id;
    }

    /** The method's name: {@code full_ft}, {@code bitfit}, {@code adapters}, {@code weight_lora} or {@code lora_diffusion}. */
    @JsonValue
    public String id() {
        return id;
    }

    /** The method called {@code name}; an unknown name fails naming the valid ones. */
    @JsonCreator
    public static PeftMethod parse(String name) {
        for (PeftMethod method : values()) {
            if (method.id.equals(name)) {
                return method;
            }
        }
        throw new IllegalArgumentException("unknown method '" + name + "'; valid methods: "
                + Arrays.stream(values()).map(PeftMethod::id).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return id;
    }
}
