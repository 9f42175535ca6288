/**
 * Baton's Micrometer adapter. {@link dev.baton.micrometer.BatonMetrics} is an
 * {@link dev.baton.AuditListener} that turns validation and exchange events into timers and
 * counters, and watches an exchanger's cache with gauges;
 * {@link dev.baton.micrometer.BatonObservations} is an {@link dev.baton.EndpointObserver} that makes
 * one Micrometer Observation (hence one span with Micrometer Tracing) of each call to an
 * authorization server. No tag ever carries a token, a fingerprint, a subject or a secret. Works
 * with any {@code MeterRegistry} and {@code ObservationRegistry}, with or without Spring; see
 * docs/observability.md.
 */
package dev.baton.micrometer;
