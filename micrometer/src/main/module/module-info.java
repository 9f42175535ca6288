/**
 * Baton for Micrometer: {@link dev.baton.micrometer.BatonMetrics} turns Baton's audit events into
 * meters, {@link dev.baton.micrometer.BatonObservations} turns each call to an authorization server
 * into an Observation (a span with Micrometer Tracing). The API is the {@code dev.baton.micrometer}
 * package; it uses only Baton's public API.
 */
module dev.baton.micrometer {
    requires transitive dev.baton.core;
    // Micrometer ships no module descriptor; these are the Automatic-Module-Names of its jars.
    requires transitive micrometer.core;
    requires transitive micrometer.observation;
    requires micrometer.commons;

    exports dev.baton.micrometer;
}
