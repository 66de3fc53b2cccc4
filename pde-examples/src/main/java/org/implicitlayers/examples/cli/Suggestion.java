package org.implicitlayers.examples.cli;

import java.util.Collection;
import java.util.Locale;

/**
 * "Did you mean ...?" for a mistyped built-in name: the known name nearest by edit distance, when
 * it is near.
 */
final class Suggestion {
    private Suggestion() {}

    /**
     * The name of {@code known} nearest to {@code typed} (Levenshtein distance, case ignored) when
     * at most a third of its letters (at least 1, at most 3) differ, else null.
     */
    static String nearest(String typed, Collection<String> known) {
        String t = typed.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(t, k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        int allowed = Math.max(1, Math.min(3, t.length() / 3));
        return best != null && bestDistance <= allowed ? best : null;
    }

    /** " Did you mean NAME?" or the empty string. */
    static String didYouMean(String typed, Collection<String> known) {
        String n = nearest(typed, known);
        return n == null ? "" : " Did you mean " + n + "?";
    }

    /** The Levenshtein distance (insertions, deletions, substitutions). */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
