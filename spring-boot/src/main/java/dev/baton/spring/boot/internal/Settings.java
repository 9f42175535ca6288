package dev.baton.spring.boot.internal;

import java.util.Collection;

/**
 * Applies {@code baton.*} properties to Baton's builders and turns what the builders refuse into a
 * {@link BatonConfigurationException} naming the property. Not API.
 */
public final class Settings {
    private Settings() {
    }

    /** A setting applied to a builder; may throw what the builder throws. */
    @FunctionalInterface
    public interface Step {
        /** Applies the setting. */
        void apply();
    }

    /**
     * Runs {@code step}, reporting an {@link IllegalArgumentException} or {@link IllegalStateException}
     * from Baton as an invalid {@code property}. Baton's messages name the setting and never echo a
     * secret or user info; they are kept after the property's name.
     *
     * @throws BatonConfigurationException if the step fails
     */
    public static void apply(String property, Step step) {
        try {
            step.apply();
        } catch (IllegalArgumentException | IllegalStateException | NullPointerException e) {
            throw invalid(property, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    /**
     * Runs a builder's {@code build()}, reporting what it refuses as an invalid property: the one
     * whose builder setting the message starts with (Baton's messages name the setting first, such
     * as {@code "issuer must use https ..."}), else {@code group}.
     *
     * @param settings builder setting names (as messages start with them) to property names
     * @throws BatonConfigurationException if the build fails
     */
    public static void build(String group, java.util.Map<String, String> settings, Step step) {
        try {
            step.apply();
        } catch (IllegalArgumentException | IllegalStateException e) {
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            String property = settings.entrySet().stream().filter(s -> message.startsWith(s.getKey()))
                    .map(java.util.Map.Entry::getValue).findFirst().orElse(group);
            throw invalid(property, message);
        }
    }

    /** An invalid {@code property}: "{@code property} is invalid: {@code reason}". */
    public static BatonConfigurationException invalid(String property, String reason) {
        return new BatonConfigurationException(property, property + " is invalid: " + reason);
    }

    /** A missing {@code property}: "{@code property} must be set{@code why}". */
    public static BatonConfigurationException missing(String property, String why) {
        return new BatonConfigurationException(property, property + " must be set" + why);
    }

    /** Whether {@code value} is set (not null, not blank). */
    public static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }

    /** Whether {@code values} has at least one element. */
    public static boolean isSet(Collection<?> values) {
        return values != null && !values.isEmpty();
    }

    /**
     * {@code value}, required.
     *
     * @throws BatonConfigurationException if it is not set
     */
    public static String require(String property, String value, String why) {
        if (!isSet(value)) {
            throw missing(property, why);
        }
        return value;
    }
}
