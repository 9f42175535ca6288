package dev.baton.examples.authserver;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Marks a static {@link EmbeddedAuthorizationServer} field that the tests of its class share: the
 * field holds a server {@linkplain EmbeddedAuthorizationServer#start() started} before the class's
 * {@code @BeforeAll} methods, closed after its {@code @AfterAll} methods.
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(StartedAuthorizationServer.Lifecycle.class)
public @interface StartedAuthorizationServer {

    /** Starts and closes the server of each field marked {@link StartedAuthorizationServer}. */
    final class Lifecycle implements BeforeAllCallback, AfterAllCallback {
        @Override
        public void beforeAll(ExtensionContext context) throws IllegalAccessException {
            for (Field field : fields(context)) {
                field.set(null, EmbeddedAuthorizationServer.start());
            }
        }

        @Override
        public void afterAll(ExtensionContext context) throws IllegalAccessException {
            for (Field field : fields(context)) {
                EmbeddedAuthorizationServer server = (EmbeddedAuthorizationServer) field.get(null);
                if (server != null) {
                    server.close();
                    field.set(null, null);
                }
            }
        }

        private static List<Field> fields(ExtensionContext context) {
            List<Field> fields = AnnotationSupport.findAnnotatedFields(context.getRequiredTestClass(),
                    StartedAuthorizationServer.class);
            for (Field field : fields) {
                if (!Modifier.isStatic(field.getModifiers()) || field.getType() != EmbeddedAuthorizationServer.class) {
                    throw new ExtensionConfigurationException("@StartedAuthorizationServer goes on a static "
                            + "EmbeddedAuthorizationServer field, not on " + field);
                }
                field.setAccessible(true);
            }
            return fields;
        }
    }
}
