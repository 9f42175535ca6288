package dev.baton.internal.validation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.ListIterator;
import java.util.Map;

/**
 * Claims as a validated token keeps them: a map in which every JSON object and array is
 * unmodifiable, so a {@code ValidatedToken} stays immutable however deep a caller reaches. Two ways,
 * one rule: a {@linkplain #copy copy} of claims someone else holds, or claims just parsed for one
 * token {@linkplain #sealInPlace sealed where they are}, which saves a validation the copy
 * (docs/benchmarks.md, row 1). Not API.
 */
public final class ClaimMaps {
    private ClaimMaps() {
    }

    /**
     * An unmodifiable deep copy of {@code claims}: maps keep their order, every collection becomes a
     * list, keys of nested maps become strings.
     *
     * @throws NullPointerException if {@code claims} is null
     */
    public static Map<String, Object> copy(Map<String, ?> claims) {
        Map<String, Object> copy = new LinkedHashMap<>();
        claims.forEach((k, v) -> copy.put(k, copyOf(v)));
        return Collections.unmodifiableMap(copy);
    }

    private static Object copyOf(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> copy = new LinkedHashMap<>();
            m.forEach((k, x) -> copy.put(String.valueOf(k), copyOf(x)));
            return Collections.unmodifiableMap(copy);
        }
        if (v instanceof Collection<?> c) {
            List<Object> copy = new ArrayList<>(c.size());
            c.forEach(x -> copy.add(copyOf(x)));
            return Collections.unmodifiableList(copy);
        }
        return v;
    }

    /**
     * {@code parsed} made unmodifiable without copying it: every nested map and list is replaced,
     * in place, by an unmodifiable view of itself (sealed the same way), and the result is an
     * unmodifiable view of {@code parsed}. For a JSON parser's fresh result that nothing else holds
     * (no other reference to it or to anything in it may exist, or that holder could still change
     * it); any other claims must be {@linkplain #copy copied}. A collection that is not a list is
     * copied into one, as {@link #copy} does.
     *
     * @throws NullPointerException if {@code parsed} is null
     * @throws UnsupportedOperationException if a map or list in it cannot be changed
     */
    public static Map<String, Object> sealInPlace(Map<String, Object> parsed) {
        sealValues(parsed);
        return Collections.unmodifiableMap(parsed);
    }

    private static <K> void sealValues(Map<K, Object> map) {
        for (Map.Entry<K, Object> e : map.entrySet()) {
            Object v = e.getValue();
            if (isNested(v)) {
                e.setValue(sealed(v));
            }
        }
    }

    /**
     * Whether a JSON value is an object or an array. Strings and numbers, most claims, are told
     * apart first by their classes: on JDK 17 an {@code instanceof} against an interface that a
     * class does not implement scans the class's interfaces and overwrites a one-entry cache, and
     * alternating {@code Map} and {@code Collection} tests keep missing it.
     */
    private static boolean isNested(Object v) {
        return !(v instanceof String || v instanceof Number || v instanceof Boolean || v == null)
                && (v instanceof Map<?, ?> || v instanceof Collection<?>);
    }

    @SuppressWarnings("unchecked")
    private static Object sealed(Object v) {
        if (v instanceof Map<?, ?> m) {
            sealValues((Map<Object, Object>) m);
            return Collections.unmodifiableMap(m);
        }
        if (v instanceof List<?> list) {
            for (ListIterator<Object> i = ((List<Object>) list).listIterator(); i.hasNext(); ) {
                Object x = i.next();
                if (isNested(x)) {
                    i.set(sealed(x));
                }
            }
            return Collections.unmodifiableList(list);
        }
        if (v instanceof Collection<?>) {
            return copyOf(v);
        }
        return v;
    }
}
