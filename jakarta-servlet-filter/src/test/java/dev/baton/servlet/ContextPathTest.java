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
import org.junit.jupiter.api.ClassTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An application deployed under the context path {@code /app}, in Jetty 12 and Tomcat 11. */
@ClassTemplate
class ContextPathTest {
    static final AtomicReference<AuditContext> VALIDATOR_CONTEXT = new AtomicReference<>();
    static final List<ValidationEvent> EVENTS = new CopyOnWriteArrayList<>();
    static final TokenValidator REJECT_ALL = (token, context) -> {
        VALIDATOR_CONTEXT.set(context);
        throw new TokenValidationException(BearerError.INVALID_TOKEN, "no");
    };

    @RegisterExtension
    static final Containers containers = Containers.deploying(() -> Containers.Setup.of(
            List.of(filter()), null, new RecordingServlet()).contextPath("/app"));

    static BearerTokenFilter filter() {
        return BearerTokenFilter.builder(REJECT_ALL)
                .resource("http://127.0.0.1/app/mcp")
                .authorizationServers("https://idp.example.com/oauth2/mcp")
                .auditListener(new AuditListener() {
                    @Override
                    public void onValidation(ValidationEvent event) {
                        EVENTS.add(event);
                    }
                })
                .build();
    }

    @BeforeEach
    void reset() {
        EVENTS.clear();
        VALIDATOR_CONTEXT.set(null);
    }

    @Test
    void filterAuditIncludesTheContextPath() {
        Http.get(containers.server().app("/mcp/tools"));

        assertThat(EVENTS).singleElement().satisfies(
                e -> assertThat(e.context()).isEqualTo(AuditContext.of("GET", "/app/mcp/tools")));
    }

    @Test
    void validatorAuditContextIncludesTheContextPath() {
        Http.get(containers.server().app("/mcp/tools"), "Authorization", "Bearer some-token");

        assertThat(VALIDATOR_CONTEXT).hasValue(AuditContext.of("GET", "/app/mcp/tools"));
    }
}
