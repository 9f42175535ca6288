package dev.baton.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.baton.AuditListener;
import dev.baton.TokenExchanger;
import dev.baton.TokenValidator;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;

/** The validator and the exchanger from baton.* properties, and every way the properties can be wrong. */
class BatonAutoConfigurationTest {
    static final String[] RESOURCE_SERVER = {
        "baton.resource-server.issuer=https://idp.example.com/oauth2/mcp",
        "baton.resource-server.audience=mcpserver",
        "baton.resource-server.required-scopes=mcp:tools:call"};
    static final String[] TOKEN_EXCHANGE = {
        "baton.token-exchange.token-endpoint=https://idp.example.com/oauth2/backend/v1/token",
        "baton.token-exchange.client-id=toolhive",
        "baton.token-exchange.client-secret=s3cr3t-value"};

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(BatonAutoConfiguration.class));

    @Test
    void buildsTheValidatorFromTheResourceServerProperties() {
        runner.withPropertyValues(RESOURCE_SERVER).run(context -> {
            TokenValidator validator = context.getBean(TokenValidator.class);
            assertThat(validator.issuer()).contains("https://idp.example.com/oauth2/mcp");
            assertThat(validator.requiredScopes()).containsExactly("mcp:tools:call");
        });
    }

    @Test
    void buildsTheExchangerFromTheTokenExchangeProperties() {
        runner.withPropertyValues(TOKEN_EXCHANGE).run(context -> assertThat(context).hasSingleBean(TokenExchanger.class)
                .doesNotHaveBean(TokenValidator.class));
    }

    @Test
    void createsNothingWithoutBatonProperties() {
        runner.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(TokenValidator.class)
                .doesNotHaveBean(TokenExchanger.class));
    }

    @Test
    void createsNothingWhenDisabled() {
        runner.withPropertyValues(RESOURCE_SERVER).withPropertyValues(TOKEN_EXCHANGE)
                .withPropertyValues("baton.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(TokenValidator.class)
                        .doesNotHaveBean(TokenExchanger.class));
    }

    @Test
    void backsOffWhenTheApplicationDefinesItsOwnValidatorAndExchanger() {
        TokenValidator own = TokenValidator.builder().issuer("https://other.example.com").audience("x").build();
        TokenExchanger ownExchanger = TokenExchanger.builder().tokenEndpoint("https://other.example.com/token")
                .clientAuthentication(dev.baton.ClientAuthentication.none("c")).build();
        runner.withPropertyValues(RESOURCE_SERVER).withPropertyValues(TOKEN_EXCHANGE)
                .withBean(TokenValidator.class, () -> own).withBean(TokenExchanger.class, () -> ownExchanger)
                .run(context -> {
                    assertThat(context.getBean(TokenValidator.class)).isSameAs(own);
                    assertThat(context.getBean(TokenExchanger.class)).isSameAs(ownExchanger);
                });
        own.close();
        ownExchanger.close();
    }

    @Test
    void aMissingAudienceStopsStartUpNamingTheProperty() {
        runner.withPropertyValues("baton.resource-server.issuer=https://idp.example.com/oauth2/mcp")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageStartingWith("baton.resource-server.audience must be set"));
    }

    @Test
    void aResourceServerPropertyWithoutIssuerStopsStartUpRatherThanLeavingTheEndpointOpen() {
        runner.withPropertyValues("baton.resource-server.audience=mcpserver")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageStartingWith("baton.resource-server.issuer must be set"));
    }

    @Test
    void aPlainHttpIssuerOffLoopbackStopsStartUpNamingTheProperty() {
        runner.withPropertyValues(RESOURCE_SERVER).withPropertyValues("baton.resource-server.issuer=http://idp.example.com")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageStartingWith("baton.resource-server.issuer is invalid"));
    }

    @Test
    void anInvalidRequiredScopeStopsStartUpNamingTheProperty() {
        runner.withPropertyValues(RESOURCE_SERVER).withPropertyValues("baton.resource-server.required-scopes=bad\"scope")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageStartingWith("baton.resource-server.required-scopes is invalid"));
    }

    @Test
    void aClockSkewBeyondTheCapStopsStartUpNamingTheProperty() {
        runner.withPropertyValues(RESOURCE_SERVER).withPropertyValues("baton.resource-server.clock-skew=1h")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageStartingWith("baton.resource-server.clock-skew is invalid"));
    }

    @Test
    void anExchangeWithoutTokenEndpointOrIssuerStopsStartUp() {
        runner.withPropertyValues("baton.token-exchange.client-id=toolhive", "baton.token-exchange.client-secret=x")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageStartingWith("baton.token-exchange.token-endpoint must be set"));
    }

    @Test
    void bothTokenEndpointAndIssuerStopStartUp() {
        runner.withPropertyValues(TOKEN_EXCHANGE).withPropertyValues("baton.token-exchange.issuer=https://idp.example.com")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageStartingWith("baton.token-exchange.issuer is invalid"));
    }

    @Test
    void aMissingClientIdStopsStartUpNamingTheProperty() {
        runner.withPropertyValues("baton.token-exchange.token-endpoint=https://idp.example.com/token")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageStartingWith("baton.token-exchange.client-id must be set"));
    }

    @Test
    void aSecretMethodWithoutSecretStopsStartUpNamingTheProperty() {
        runner.withPropertyValues("baton.token-exchange.token-endpoint=https://idp.example.com/token",
                "baton.token-exchange.client-id=toolhive", "baton.token-exchange.client-authentication=client_secret_post")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageStartingWith("baton.token-exchange.client-secret must be set"));
    }

    @Test
    void anUnknownClientAuthenticationStopsStartUpNamingTheProperty() {
        runner.withPropertyValues(TOKEN_EXCHANGE).withPropertyValues("baton.token-exchange.client-authentication=mtls")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageStartingWith("baton.token-exchange.client-authentication is invalid"));
    }

    @Test
    void aBadTokenEndpointIsReportedWithoutItsUserInfoOrTheSecret() {
        runner.withPropertyValues(TOKEN_EXCHANGE)
                .withPropertyValues("baton.token-exchange.token-endpoint=https://user:pa55word@idp.example.com/token")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageStartingWith("baton.token-exchange.token-endpoint is invalid")
                        .message().doesNotContain("pa55word").doesNotContain("s3cr3t-value"));
    }

    @Test
    void anUnreadablePrivateKeyStopsStartUpNamingTheProperty() {
        runner.withPropertyValues("baton.token-exchange.token-endpoint=https://idp.example.com/token",
                "baton.token-exchange.client-id=toolhive", "baton.token-exchange.private-key=file:/nonexistent/key.pem",
                "baton.token-exchange.private-key-algorithm=RS256")
                .run(context -> assertThat(context).getFailure().rootCause()
                        .hasMessageStartingWith("baton.token-exchange.private-key is invalid"));
    }

    @Test
    void applicationAuditListenersReceiveTheEvents() {
        dev.baton.testkit.RecordingAuditListener recorder = new dev.baton.testkit.RecordingAuditListener();
        runner.withPropertyValues(RESOURCE_SERVER).withBean(AuditListener.class, () -> recorder).run(context -> {
            try {
                context.getBean(TokenValidator.class).validate("not-a-jwt");
            } catch (dev.baton.TokenValidationException expected) {
                // the rejection is what the listener records
            }
            assertThat(recorder.validations()).hasSize(1);
        });
    }

    @Test
    void theContainerClosesTheValidatorAndTheExchangerAndNoBatonThreadSurvives() throws InterruptedException {
        TokenValidator[] validator = new TokenValidator[1];
        ConfigurableApplicationContext[] closed = new ConfigurableApplicationContext[1];
        runner.withPropertyValues(RESOURCE_SERVER).withPropertyValues(TOKEN_EXCHANGE).run(context -> {
            validator[0] = context.getBean(TokenValidator.class);
            // Starts Baton's timer threads: an exchange in flight with a deadline.
            context.getBean(TokenExchanger.class).exchangeAsync(dev.baton.ExchangeRequest.builder()
                    .subjectToken("subject", dev.baton.TokenType.ACCESS_TOKEN).audience("backend").build());
            closed[0] = context.getSourceApplicationContext();
        });
        assertThat(closed[0].isActive()).isFalse();
        assertThatIllegalStateException().isThrownBy(() -> validator[0].validate("x"));
        assertThat(batonThreadsAfterJoining(Duration.ofSeconds(10))).isEmpty();
    }

    /** Baton's threads still alive after waiting for each to end, all within {@code within}. */
    static Set<String> batonThreadsAfterJoining(Duration within) throws InterruptedException {
        Instant deadline = Instant.now().plus(within);
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().startsWith("baton-")) {
                long left = Duration.between(Instant.now(), deadline).toMillis();
                if (left > 0) {
                    thread.join(left);
                }
            }
        }
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("baton-")).collect(Collectors.toSet());
    }
}
