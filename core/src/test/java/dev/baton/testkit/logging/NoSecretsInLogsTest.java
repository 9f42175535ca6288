package dev.baton.testkit.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.container;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.baton.ValidatedToken;
import dev.baton.testkit.IssuedSecrets;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;
import org.slf4j.LoggerFactory;

/** The log check itself: it sees what Baton's loggers write, and it fails on a leak. */
class NoSecretsInLogsTest {
    private static volatile String planted;

    private static CapturedLog.Line line(String text) {
        return new CapturedLog.Line("INFO", "dev.baton.audit", "main", text);
    }

    @Test
    void aLineContainingAnIssuedSecretIsALeakShownByItsFingerprint() {
        String secret = "s3cr3t-" + UUID.randomUUID();

        List<LeakScan.Leak> leaks = LeakScan.find(List.of(line("ok"), line("client secret was " + secret + "!")),
                Set.of("unrelated-value", secret));

        assertThat(leaks).singleElement().satisfies(l -> {
            assertThat(l.line().text()).endsWith("!");
            assertThat(l.toString()).contains(ValidatedToken.fingerprintOf(secret)).doesNotContain(secret);
        });
    }

    @Test
    void theSignatureOfAJwsOnItsOwnIsALeak() {
        String token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbi1" + UUID.randomUUID();
        IssuedSecrets.rememberToken(token);
        try {
            String signature = token.substring(token.lastIndexOf('.') + 1);

            assertThat(LeakScan.find(List.of(line("sig=" + signature)), IssuedSecrets.all())).hasSize(1);
        } finally {
            IssuedSecrets.forget(token);
            IssuedSecrets.forget(token.substring(token.lastIndexOf('.') + 1));
        }
    }

    @Test
    void valuesShorterThanTheMinimumAreNotKept() {
        IssuedSecrets.remember("short");

        assertThat(IssuedSecrets.all()).doesNotContain("short");
    }

    @Test
    void batonLoggersAreCapturedAtTraceAndOthersFromInfo() {
        int from = CapturedLog.size();

        LoggerFactory.getLogger("dev.baton.selftest").trace("baton trace line");
        LoggerFactory.getLogger("org.example.selftest").debug("other debug line");
        LoggerFactory.getLogger("org.example.selftest").info("other info line");

        assertThat(CapturedLog.from(from)).extracting(CapturedLog.Line::text)
                .containsExactly("baton trace line", "other info line");
    }

    @Test
    void aThrowablesMessageAndCausesAreCaptured() {
        int from = CapturedLog.size();

        LoggerFactory.getLogger("dev.baton.selftest").warn("failed", new IllegalStateException("outer",
                new IllegalArgumentException("inner cause text")));

        assertThat(CapturedLog.from(from)).singleElement().satisfies(l -> assertThat(l.text())
                .startsWith("failed").contains("outer").contains("inner cause text"));
    }

    @Test
    void aTestClassThatLogsAnIssuedSecretFails() {
        planted = IssuedSecrets.remember("planted-" + UUID.randomUUID());
        try {
            Events containers = EngineTestKit.engine("junit-jupiter")
                    .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                    .selectors(selectClass(LeakingClass.class))
                    .execute().containerEvents();

            containers.assertThatEvents().haveExactly(1, event(container(LeakingClass.class),
                    finishedWithFailure(instanceOf(AssertionError.class),
                            message(m -> m.contains("[main] TRACE dev.baton.selftest")
                                    && m.contains(ValidatedToken.fingerprintOf(planted)) && !m.contains(planted)))));
        } finally {
            IssuedSecrets.forget(planted);
        }
    }

    /** Run only by {@link #aTestClassThatLogsAnIssuedSecretFails()} (Surefire skips nested classes). */
    static class LeakingClass {
        @Test
        void logsTheSecret() {
            LoggerFactory.getLogger("dev.baton.selftest").trace("token is {}", planted);
        }
    }
}
