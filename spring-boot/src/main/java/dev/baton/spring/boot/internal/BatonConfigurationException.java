package dev.baton.spring.boot.internal;

/**
 * A {@code baton.*} property is missing or invalid: thrown while the beans are built, so the
 * application does not start. The message starts with the property's name and never holds a
 * secret or a URL's user info (Baton's builders never echo them, and nothing else is added). Not
 * API.
 */
public final class BatonConfigurationException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final String property;

    BatonConfigurationException(String property, String message) {
        super(message);
        this.property = property;
    }

    /** The property at fault, such as {@code baton.resource-server.audience}. */
    public String property() {
        return property;
    }
}
