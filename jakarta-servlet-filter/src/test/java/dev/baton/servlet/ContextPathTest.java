package dev.baton.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.AuditContext;
import dev.baton.AuditListener;
import dev.baton.BearerError;
import dev.baton.TokenValidationException;
import dev.baton.TokenValidator;
import dev.baton.ValidationEvent;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** An application deployed under the context path {@code /app}, in Jetty 12 and Tomcat 11. */
@ParameterizedClass(name = "{0}")
@EnumSource(Container.class)
class ContextPathTest {
    static final AtomicReference<AuditContext> VALIDATOR_CONTEXT = new AtomicReference<>();
    static final List<ValidationEvent> EVENTS = new CopyOnWriteArrayList<>();
    static final TokenValidator REJECT_ALL = (token, context) -> {
        VALIDATOR_CONTEXT.set(context);
        throw new TokenValidationException(BearerError.INVALID_TOKEN, "no");
    };

    @Parameter
    Container container;

    static Container.Running server;

    @BeforeParameterizedClassInvocation
    static void start(Container container) {
        BearerTokenFilter filter = BearerTokenFilter.builder(REJECT_ALL)
                .resource("http://127.0.0.1/app/mcp")
                .authorizationServers("https://idp.example.com/oauth2/mcp")
                .auditListener(new AuditListener() {
                    @Override
                    public void onValidation(ValidationEvent event) {
                        EVENTS.add(event);
                    }
                })
                .build();
        server = container.start(Container.Setup.of(List.of(filter), null, new RecordingServlet()).contextPath("/app"));
    }

    @AfterParameterizedClassInvocation
    static void stop() {
        server.close();
    }

    @BeforeEach
    void reset() {
        EVENTS.clear();
        VALIDATOR_CONTEXT.set(null);
    }

    @Test
    void filterAuditIncludesTheContextPath() {
        Http.get(server.app("/mcp/tools"));

        assertThat(EVENTS).singleElement().satisfies(
                e -> assertThat(e.context()).isEqualTo(AuditContext.of("GET", "/app/mcp/tools")));
    }

    @Test
    void validatorAuditContextIncludesTheContextPath() {
        Http.get(server.app("/mcp/tools"), "Authorization", "Bearer some-token");

        assertThat(VALIDATOR_CONTEXT).hasValue(AuditContext.of("GET", "/app/mcp/tools"));
    }
}
