package lodi.model;

import java.util.Map;

/**
 * The ids of the special tokens of a vocabulary. They are looked up, never assumed: in bert-base-uncased
 * they happen to be [PAD]=0, [UNK]=100, [CLS]=101, [SEP]=102, [MASK]=103.
 */
public record SpecialTokens(int pad, int unk, int cls, int sep, int mask) {

    /** Looks the five tokens up by their BERT names ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"). */
    public static SpecialTokens fromVocabulary(Map<String, Integer> vocabulary) {
        return new SpecialTokens(idOf(vocabulary, "[PAD]"), idOf(vocabulary, "[UNK]"), idOf(vocabulary, "[CLS]"),
                idOf(vocabulary, "[SEP]"), idOf(vocabulary, "[MASK]"));
    }

    /** The five tokens of a WordPiece vocabulary. */
    public static SpecialTokens of(lodi.model.tokenizer.Vocabulary vocabulary) {
        return new SpecialTokens(vocabulary.padId(), vocabulary.unkId(), vocabulary.clsId(), vocabulary.sepId(),
                vocabulary.maskId());
    }

    /** Whether {@code id} is one of the five; [UNK] counts, since it carries no text to denoise. */
    public boolean isSpecial(int id) {
        return id == pad || id == unk || id == cls || id == sep || id == mask;
    }

    private static int idOf(Map<String, Integer> vocabulary, String token) {
        Integer id = vocabulary.get(token);
        if (id == null) {
            throw new IllegalArgumentException("the vocabulary has no " + token + " token");
        }
        return id;
    }
}
