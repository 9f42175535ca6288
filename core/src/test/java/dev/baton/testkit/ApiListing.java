package dev.baton.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The public API of a module as text, one line per public type and per public or protected
 * member, sorted: the checked-in listing ({@code api/<artifact>.api} in each published module) is
 * compared with what the compiled classes declare, so an API change cannot go unnoticed in review.
 * After an intended change, regenerate the listing with {@code -Dbaton.updateApi=true} and commit it.
 */
public final class ApiListing {
    /** The system property that rewrites the listing instead of comparing. */
    public static final String UPDATE_PROPERTY = "baton.updateApi";

    private ApiListing() {
    }

    /**
     * Compares the public API of {@code packages} (as compiled into {@code target/classes} of the
     * module the test runs in) with the listing file, or rewrites the file when
     * {@value #UPDATE_PROPERTY} is {@code true}.
     */
    public static void assertMatches(Path listing, String... packages) {
        List<String> actual = describe(Path.of("target", "classes"), packages);
        try {
            if (Boolean.getBoolean(UPDATE_PROPERTY)) {
                Files.createDirectories(listing.toAbsolutePath().getParent());
                Files.write(listing, actual, StandardCharsets.UTF_8);
                return;
            }
            List<String> expected = Files.exists(listing) ? Files.readAllLines(listing, StandardCharsets.UTF_8)
                    : List.of();
            Set<String> added = new LinkedHashSet<>(actual);
            expected.forEach(added::remove);
            Set<String> removed = new LinkedHashSet<>(expected);
            actual.forEach(removed::remove);
            assertThat(actual)
                    .withFailMessage(() -> "The public API differs from " + listing + ".\nAdded:\n  "
                            + String.join("\n  ", added) + "\nRemoved:\n  " + String.join("\n  ", removed)
                            + "\nIf the change is intended, run the build with -D" + UPDATE_PROPERTY
                            + "=true and commit the listing (and a CHANGELOG entry).")
                    .isEqualTo(expected);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sorted API lines of every public type of {@code packages} found under {@code classes}. */
    public static List<String> describe(Path classes, String... packages) {
        TreeSet<String> types = new TreeSet<>();
        for (String pkg : packages) {
            Path dir = classes.resolve(pkg.replace('.', '/'));
            try (Stream<Path> files = Files.list(dir)) {
                files.map(f -> f.getFileName().toString())
                        .filter(n -> n.endsWith(".class") && !n.equals("package-info.class"))
                        .map(n -> pkg + "." + n.substring(0, n.length() - ".class".length()))
                        .forEach(types::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + dir, e);
            }
        }
        List<String> lines = new ArrayList<>();
        for (String name : types) {
            Class<?> c = load(name);
            if (!isVisible(c)) {
                continue;
            }
            lines.add(header(c));
            TreeSet<String> members = new TreeSet<>();
            Arrays.stream(c.getDeclaredConstructors()).filter(ApiListing::isApi)
                    .map(Constructor::toGenericString).forEach(members::add);
            Arrays.stream(c.getDeclaredMethods()).filter(m -> isApi(m) && !m.isBridge())
                    .map(Method::toGenericString).forEach(members::add);
            Arrays.stream(c.getDeclaredFields()).filter(ApiListing::isApi)
                    .map(Field::toGenericString).forEach(members::add);
            members.forEach(m -> lines.add("  " + m));
        }
        return lines;
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, ApiListing.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("compiled class not loadable: " + name, e);
        }
    }

    /** Public, and every enclosing type public too; no anonymous, local or synthetic class. */
    private static boolean isVisible(Class<?> c) {
        if (c.isAnonymousClass() || c.isLocalClass() || c.isSynthetic()) {
            return false;
        }
        for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
            if (!Modifier.isPublic(k.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    private static boolean isApi(Member m) {
        int mod = m.getModifiers();
        boolean subclassable = !Modifier.isFinal(m.getDeclaringClass().getModifiers());
        return !m.isSynthetic() && (Modifier.isPublic(mod) || (Modifier.isProtected(mod) && subclassable));
    }

    private static String header(Class<?> c) {
        StringBuilder b = new StringBuilder(c.toGenericString());
        Type sup = c.getGenericSuperclass();
        if (sup != null && sup != Object.class && !c.isEnum() && !c.isRecord()) {
            b.append(" extends ").append(sup.getTypeName());
        }
        Type[] interfaces = c.getGenericInterfaces();
        if (interfaces.length > 0) {
            b.append(c.isInterface() ? " extends " : " implements ")
                    .append(Arrays.stream(interfaces).map(Type::getTypeName).collect(Collectors.joining(", ")));
        }
        return b.toString();
    }
}
