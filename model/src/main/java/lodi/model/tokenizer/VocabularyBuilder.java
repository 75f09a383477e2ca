package lodi.model.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;

/**
 * Learns a WordPiece vocabulary from a corpus, for users who have no {@code vocab.txt}.
 *
 * <p>The corpus is split into words by the same basic tokenizer {@link WordPieceTokenizer} uses (so the
 * vocabulary is lower-cased and accent-free). The vocabulary is, in id order:
 * <ol>
 *   <li>the special tokens [PAD], [UNK], [CLS], [SEP], [MASK] at ids 0..4;</li>
 *   <li>every character seen, in code point order, then the {@code ##} form of each, so that any word made
 *       of seen characters can be tokenized wherever they stand. If both forms of all characters do not fit
 *       in the size, only the most frequent characters are kept and words with the others become [UNK];</li>
 *   <li>merged pieces, learned as HuggingFace's {@code WordPieceTrainer} does: words start as characters
 *       (the first plain, the others {@code ##}), and the adjacent pair with the highest corpus count is
 *       merged, again and again, each new piece joining the vocabulary, until it has {@code vocabSize}
 *       entries or no pair is left. Ties go to the pair whose merged text sorts first, so the result is a
 *       pure function of the corpus.</li>
 * </ol>
 *
 * <p>Merging by count rather than by BERT's likelihood score (pair count / (count(a) count(b))) is a
 * choice: the score ranks a pair seen once between two characters seen once above every common pair, which
 * fills a small vocabulary with rare fragments before it holds common words.
 */
public final class VocabularyBuilder {
    private final int vocabSize;

    /** A builder of vocabularies of (at most, for a small corpus) {@code vocabSize} tokens. */
    public VocabularyBuilder(int vocabSize) {
        int smallest = Vocabulary.SPECIAL_TOKENS.size() + 2;
        if (vocabSize < smallest) {
            throw new IllegalArgumentException("vocabulary size " + vocabSize + " is too small: the special tokens"
                    + " and one character in both forms need " + smallest);
        }
        this.vocabSize = vocabSize;
    }

    /** Learns the vocabulary of {@code corpus} (any number of texts, each split into words first). */
    public Vocabulary build(Iterable<String> corpus) {
        Map<String, Long> wordCounts = countWords(corpus);
        List<Integer> alphabet = alphabet(wordCounts);

        List<String> tokens = new ArrayList<>(Vocabulary.SPECIAL_TOKENS);
        for (int cp : alphabet) {
            tokens.add(Character.toString(cp));
        }
        for (int cp : alphabet) {
            tokens.add(WordPieceTokenizer.CONTINUATION_PREFIX + Character.toString(cp));
        }
        new Merges(wordCounts, Set.copyOf(alphabet)).run(tokens, vocabSize);
        return Vocabulary.of("vocabulary learned from a corpus", tokens);
    }

    /** Counts of every word no longer than WordPiece will look at, sorted so that later steps are ordered. */
    private static Map<String, Long> countWords(Iterable<String> corpus) {
        Map<String, Long> counts = new TreeMap<>();
        BasicTokenizer.Sink sink = new BasicTokenizer.Sink() {
            @Override
            public void word(String text, int from, int to) {
                if (text.codePointCount(from, to) <= WordPieceTokenizer.MAX_INPUT_CHARS_PER_WORD) {
                    counts.merge(text.substring(from, to), 1L, Long::sum);
                }
            }

            @Override
            public void specialToken(String token) {
                // Already in every vocabulary.
            }
        };
        for (String text : corpus) {
            BasicTokenizer.split(text, sink);
        }
        return counts;
    }

    /** The characters to keep, in code point order: all of them, or the most frequent that fit. */
    private List<Integer> alphabet(Map<String, Long> wordCounts) {
        Map<Integer, Long> charCounts = new HashMap<>();
        wordCounts.forEach((word, count) -> word.codePoints().forEach(cp -> charCounts.merge(cp, count, Long::sum)));
        int room = (vocabSize - Vocabulary.SPECIAL_TOKENS.size()) / 2;
        return charCounts.entrySet().stream()
                .sorted(Map.Entry.<Integer, Long>comparingByValue().reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .limit(room)
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
    }

    /** Pair-merging over the distinct words, with pair counts kept up to date as words change. */
    private static final class Merges {
        /** A pair of adjacent symbols and its count when it was queued; stale once the count has changed. */
        private record Candidate(long count, String merged, int left, int right) {
        }

        private static final Comparator<Candidate> BEST_FIRST = Comparator.comparingLong(Candidate::count)
                .reversed()
                .thenComparing(Candidate::merged)
                .thenComparingInt(Candidate::left)
                .thenComparingInt(Candidate::right);

        private final List<String> symbols = new ArrayList<>();
        private final Map<String, Integer> symbolIds = new HashMap<>();
        private final int[][] words;
        private final long[] wordCounts;
        private final Map<Long, Long> pairCounts = new HashMap<>();
        /** The words each pair occurs in (a superset: entries are not removed when a word changes). */
        private final Map<Long, Set<Integer>> pairWords = new HashMap<>();
        private final PriorityQueue<Candidate> queue = new PriorityQueue<>(BEST_FIRST);

        Merges(Map<String, Long> counts, Set<Integer> alphabet) {
            List<int[]> wordList = new ArrayList<>();
            List<Long> countList = new ArrayList<>();
            counts.forEach((word, count) -> {
                if (word.codePoints().allMatch(alphabet::contains)) {
                    int[] cps = word.codePoints().toArray();
                    int[] symbolsOfWord = new int[cps.length];
                    for (int i = 0; i < cps.length; i++) {
                        String text = Character.toString(cps[i]);
                        symbolsOfWord[i] = symbol(i == 0 ? text : WordPieceTokenizer.CONTINUATION_PREFIX + text);
                    }
                    wordList.add(symbolsOfWord);
                    countList.add(count);
                }
            });
            words = wordList.toArray(int[][]::new);
            wordCounts = countList.stream().mapToLong(Long::longValue).toArray();
            Set<Long> pairs = new HashSet<>();
            for (int w = 0; w < words.length; w++) {
                addPairs(w, pairs);
            }
            pairs.forEach(this::enqueue);
        }

        /** Appends merged pieces to {@code tokens} until it holds {@code size} entries or no pair is left. */
        void run(List<String> tokens, int size) {
            Set<String> known = new HashSet<>(tokens);
            while (tokens.size() < size) {
                Candidate best = queue.poll();
                if (best == null) {
                    return;
                }
                long pair = pair(best.left(), best.right());
                if (pairCounts.getOrDefault(pair, 0L) != best.count()) {
                    continue;
                }
                merge(best.left(), best.right(), symbol(best.merged()));
                if (known.add(best.merged())) {
                    tokens.add(best.merged());
                }
            }
        }

        private void merge(int left, int right, int merged) {
            Set<Long> changed = new HashSet<>();
            for (int w : pairWords.get(pair(left, right))) {
                int[] word = words[w];
                int[] replaced = new int[word.length];
                int n = 0;
                for (int i = 0; i < word.length; i++) {
                    if (i + 1 < word.length && word[i] == left && word[i + 1] == right) {
                        replaced[n++] = merged;
                        i++;
                    } else {
                        replaced[n++] = word[i];
                    }
                }
                if (n == word.length) {
                    continue; // an earlier merge already took this word's pair
                }
                removePairs(w, changed);
                words[w] = Arrays.copyOf(replaced, n);
                addPairs(w, changed);
            }
            changed.forEach(this::enqueue);
        }

        private void addPairs(int w, Set<Long> changed) {
            int[] word = words[w];
            for (int i = 0; i + 1 < word.length; i++) {
                long pair = pair(word[i], word[i + 1]);
                pairCounts.merge(pair, wordCounts[w], Long::sum);
                pairWords.computeIfAbsent(pair, p -> new HashSet<>()).add(w);
                changed.add(pair);
            }
        }

        private void removePairs(int w, Set<Long> changed) {
            int[] word = words[w];
            for (int i = 0; i + 1 < word.length; i++) {
                long pair = pair(word[i], word[i + 1]);
                pairCounts.merge(pair, -wordCounts[w], Long::sum);
                changed.add(pair);
            }
        }

        private void enqueue(long pair) {
            long count = pairCounts.getOrDefault(pair, 0L);
            if (count <= 0) {
                pairCounts.remove(pair);
                pairWords.remove(pair);
                return;
            }
            int left = (int) (pair >>> 32);
            int right = (int) pair;
            String rightText = symbols.get(right);
            String merged = symbols.get(left) + rightText.substring(WordPieceTokenizer.CONTINUATION_PREFIX.length());
            queue.add(new Candidate(count, merged, left, right));
        }

        private int symbol(String text) {
            return symbolIds.computeIfAbsent(text, t -> {
                symbols.add(t);
                return symbols.size() - 1;
            });
        }

        private static long pair(int left, int right) {
            return ((long) left << 32) | (right & 0xFFFFFFFFL);
        }
    }
}
