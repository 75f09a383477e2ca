package lodi.glue.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SyntheticGlueTest {
    private static final GlueData DATA = SyntheticGlue.generate(SyntheticGlue.Sizes.of(2000, 500), 42, 0);

    @Test
    void sameSeedSameData() {
        GlueData again = SyntheticGlue.generate(SyntheticGlue.Sizes.of(2000, 500), 42, 0);
        assertEquals(DATA.train(), again.train());
        assertEquals(DATA.dev(), again.dev());
        GlueData other = SyntheticGlue.generate(SyntheticGlue.Sizes.of(2000, 500), 43, 0);
        for (Task task : Task.values()) {
            assertNotEquals(DATA.train(task), other.train(task));
        }
    }

    @Test
    void sizesArePerTaskAndSplit() {
        SyntheticGlue.Sizes sizes = SyntheticGlue.Sizes.of(30, 10).with(Task.QNLI, 50, 7);
        GlueData data = SyntheticGlue.generate(sizes, 1, 0);
        assertEquals(30, data.train(Task.SST2).size());
        assertEquals(10, data.dev(Task.MRPC).size());
        assertEquals(50, data.train(Task.QNLI).size());
        assertEquals(7, data.dev(Task.QNLI).size());
        assertEquals(data.train(Task.QNLI).subList(0, 30),
                SyntheticGlue.generate(SyntheticGlue.Sizes.of(30, 10), 1, 0).train(Task.QNLI),
                "a larger split extends a smaller one with the same seed");
    }

    @Test
    void saysItIsSynthetic() {
        assertTrue(DATA.synthetic());
        assertTrue(DATA.description().startsWith("SYNTHETIC"), DATA.description());
        assertTrue(DATA.description().contains("not real GLUE"));
        assertTrue(DATA.train(Task.MRPC).getFirst().source().startsWith("synthetic mrpc train"));
    }

    @Test
    void labelBalanceIsLikeTheRealTasks() {
        assertFraction(0.56, Task.SST2, e -> e.label() == 1);
        assertFraction(0.50, Task.QNLI, e -> e.label() == 0);
        assertFraction(0.68, Task.MRPC, e -> e.label() == 1);
    }

    @Test
    void devSharesNoTextsWithTrain() {
        for (Task task : Task.values()) {
            Set<String> train = DATA.train(task).stream().map(e -> e.a() + "\t" + e.b()).collect(Collectors.toSet());
            assertTrue(DATA.dev(task).stream().noneMatch(e -> train.contains(e.a() + "\t" + e.b())), task.name());
        }
    }

    @Test
    void labelNoiseFlipsTrainOnly() {
        GlueData noisy = SyntheticGlue.generate(SyntheticGlue.Sizes.of(2000, 500), 42, 0.1);
        for (Task task : Task.values()) {
            long flipped = 0;
            for (int i = 0; i < 2000; i++) {
                Example clean = DATA.train(task).get(i);
                Example dirty = noisy.train(task).get(i);
                assertEquals(clean.a(), dirty.a());
                flipped += clean.label() != dirty.label() ? 1 : 0;
            }
            assertTrue(flipped > 140 && flipped < 260, task + " flipped " + flipped + " of 2000");
            assertEquals(DATA.dev(task), noisy.dev(task));
        }
        assertThrows(IllegalArgumentException.class,
                () -> SyntheticGlue.generate(SyntheticGlue.Sizes.of(1, 1), 1, 0.5));
    }

    /** Counting sentiment words misses negation and "but"/"although": well above chance, well below 100%. */
    @Test
    void sentimentKeywordsAreNotEnough() {
        double accuracy = accuracy(Task.SST2, e -> {
            List<String> words = words(e.a());
            long positive = words.stream().filter(SyntheticGlue.POSITIVE::contains).count();
            long negative = words.stream().filter(SyntheticGlue.NEGATIVE::contains).count();
            return (positive >= negative ? 1 : 0) == e.label();
        });
        assertTrue(accuracy > 0.55 && accuracy < 0.8, "keyword accuracy " + accuracy);
    }

    /** Reading the structure (last clause decides, a negator flips it) gets every sentence right: learnable. */
    @Test
    void sentimentFollowsFromTheStructure() {
        assertEquals(1.0, accuracy(Task.SST2, e -> {
            String text = e.a().startsWith("although ") ? e.a().substring(e.a().indexOf(" , ") + 3) : e.a();
            String clause = text.contains(" , but ") ? text.substring(text.indexOf(" , but ") + 7)
                    : text.contains(" and ") ? text.substring(0, text.indexOf(" and ")) : text;
            List<String> words = words(clause);
            boolean positive = words.stream().anyMatch(SyntheticGlue.POSITIVE::contains);
            boolean negated = words.contains("not") || words.contains("never") || words.contains("hardly");
            return (positive != negated ? 1 : 0) == e.label();
        }));
    }

    /** Word overlap between question and sentence does not decide entailment (distractor entities). */
    @Test
    void questionOverlapIsNotEnough() {
        double accuracy = accuracy(Task.QNLI, e -> {
            Set<String> question = new HashSet<>(words(e.a().replace("?", "")));
            long shared = words(e.b().replace(".", "").replace(",", "")).stream().filter(question::contains).count();
            return (shared >= question.size() - 2 ? 0 : 1) == e.label();
        });
        assertTrue(accuracy < 0.85, "overlap accuracy " + accuracy);
    }

    /** Matching the asked-for slot and the other entities of the question gets every pair right: learnable. */
    @Test
    void entailmentFollowsFromTheFacts() {
        assertEquals(1.0, accuracy(Task.QNLI, e -> {
            List<String> sentence = words(e.b().replace(".", "").replace(",", ""));
            String question = e.a().replace("?", "");
            boolean entailed;
            if (question.startsWith("Who ")) {
                List<String> q = words(question);
                entailed = sentence.contains(q.get(1)) && e.b().contains(String.join(" ", q.subList(2, q.size())))
                        && SyntheticGlue.PEOPLE.stream().anyMatch(e.b()::contains);
            } else {
                String person = SyntheticGlue.PEOPLE.stream().filter(question::contains).findFirst().orElseThrow();
                String afterPerson = question.substring(question.indexOf(person) + person.length() + 1);
                int verb = SyntheticGlue.VERBS.indexOf(words(afterPerson).getFirst());
                String landmark = question.substring(question.indexOf(" the ") + 1);
                boolean slot = question.startsWith("When ")
                        ? sentence.stream().anyMatch(w -> w.matches("\\d{4}"))
                        : SyntheticGlue.CITIES.stream().anyMatch(sentence::contains);
                entailed = e.b().contains(person) && sentence.contains(SyntheticGlue.PAST.get(verb))
                        && e.b().contains(landmark) && slot;
            }
            return (entailed ? 0 : 1) == e.label();
        }));
    }

    @Test
    void paraphrasesAreNeverVerbatimCopies() {
        assertTrue(DATA.train(Task.MRPC).stream().noneMatch(e -> e.a().equals(e.b())));
    }

    /** Equal numbers in both sentences do not decide paraphrase (names, days and outcomes change too). */
    @Test
    void sameNumbersAreNotEnough() {
        double accuracy = accuracy(Task.MRPC, e -> {
            boolean same = numbers(e.a()).equals(numbers(e.b()));
            return (same ? 1 : 0) == e.label();
        });
        assertTrue(accuracy > 0.7 && accuracy < 0.95, "same-numbers accuracy " + accuracy);
    }

    private static Set<String> numbers(String text) {
        return words(text.replace("-", " ")).stream().filter(w -> w.chars().allMatch(Character::isDigit))
                .collect(Collectors.toSet());
    }

    private static List<String> words(String text) {
        return Arrays.asList(text.split(" "));
    }

    private static double accuracy(Task task, Predicate<Example> correct) {
        List<Example> all = DATA.train(task);
        return all.stream().filter(correct).count() / (double) all.size();
    }

    private static void assertFraction(double expected, Task task, Predicate<Example> which) {
        for (List<Example> split : List.of(DATA.train(task), DATA.dev(task))) {
            double fraction = split.stream().filter(which).count() / (double) split.size();
            assertEquals(expected, fraction, 0.05, task + " label balance");
        }
        assertFalse(DATA.train(task).isEmpty());
    }
}
