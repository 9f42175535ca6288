package dev.baton.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.AuditContext;
import dev.baton.BearerError;
import dev.baton.TokenValidationException;
import dev.baton.TokenValidator;
import dev.baton.ValidatedToken;
import jakarta.servlet.ServletException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A filter closes the validator it built itself from init parameters, and never one the
 * application passed to {@link BearerTokenFilter#builder(TokenValidator)}.
 */
class ValidatorOwnershipTest {

    /** Counts {@link #close()} calls, delegating everything else. */
    static final class ClosingCounter implements TokenValidator {
        final TokenValidator delegate;
        final AtomicInteger closes = new AtomicInteger();

        ClosingCounter(TokenValidator delegate) {
            this.delegate = delegate;
        }

        @Override
        public ValidatedToken validate(String token, AuditContext context) throws TokenValidationException {
            return delegate.validate(token, context);
        }

        @Override
        public Set<String> requiredScopes() {
            return delegate.requiredScopes();
        }

        @Override
        public void close() {
            closes.incrementAndGet();
            delegate.close();
        }
    }

    final AtomicReference<ClosingCounter> built = new AtomicReference<>();

    /** A filter as a container makes it from {@code web.xml}, recording the validator it builds. */
    BearerTokenFilter webXmlFilter() {
        return new BearerTokenFilter(b -> {
            ClosingCounter validator = new ClosingCounter(b.build());
            built.set(validator);
            return validator;
        });
    }

    @Test
    void validatorBuiltFromInitParametersIsClosedByDestroy() throws ServletException {
        BearerTokenFilter filter = webXmlFilter();
        filter.init(InitParameterErrorsTest.config(InitParameterErrorsTest.valid()));

        filter.destroy();

        assertThat(built.get().closes).hasValue(1);
    }

    @Test
    void validatorBuiltFromInitParametersIsOpenUntilDestroy() throws ServletException {
        webXmlFilter().init(InitParameterErrorsTest.config(InitParameterErrorsTest.valid()));

        assertThat(built.get().closes).hasValue(0);
    }

    @Test
    void secondDestroyClosesNothingMore() throws ServletException {
        BearerTokenFilter filter = webXmlFilter();
        filter.init(InitParameterErrorsTest.config(InitParameterErrorsTest.valid()));

        filter.destroy();
        filter.destroy();

        assertThat(built.get().closes).hasValue(1);
    }

    @Test
    void validatorBuiltFromInitParametersIsClosedWhenTheRestOfTheConfigurationFails() {
        Map<String, String> parameters = InitParameterErrorsTest.valid();
        parameters.put("cors-allowed-origins", "https://app.example.com/path");

        assertThatThrownBy(() -> webXmlFilter().init(InitParameterErrorsTest.config(parameters)))
                .isInstanceOf(ServletException.class).hasMessageContaining("CORS origin");
        assertThat(built.get().closes).hasValue(1);
    }

    @Test
    void validatorPassedToTheBuilderIsNeverClosedByTheFilter() throws ServletException {
        ClosingCounter application = new ClosingCounter((token, context) -> {
            throw new TokenValidationException(BearerError.INVALID_TOKEN, "no");
        });
        BearerTokenFilter filter = BearerTokenFilter.builder(application)
                .resource("https://mcp.example.com/mcp")
                .authorizationServers("https://idp.example.com/oauth2/mcp")
                .build();
        filter.init(InitParameterErrorsTest.config(InitParameterErrorsTest.valid()));

        filter.destroy();

        assertThat(application.closes).hasValue(0);
    }
}
