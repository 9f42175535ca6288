/**
 * Baton's shared, encrypted second-level cache of exchanged tokens on Redis or Valkey, through
 * Lettuce. The API is the {@code dev.baton.redis} package.
 */
module dev.baton.redis {
    requires transitive dev.baton.core;
    requires lettuce.core;
    requires org.slf4j;

    exports dev.baton.redis;
}
