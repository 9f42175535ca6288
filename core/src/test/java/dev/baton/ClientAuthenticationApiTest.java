package dev.baton;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAuthenticationApiTest {
    @Test
    void noPublicSignatureExposesANimbusType() {
        List<String> leaks = new ArrayList<>();
        for (Method m : ClientAuthentication.class.getMethods()) {
            if (!Modifier.isPublic(m.getModifiers())) {
                continue;
            }
            List<Type> types = new ArrayList<>(List.of(m.getGenericParameterTypes()));
            types.add(m.getGenericReturnType());
            for (Type t : types) {
                if (t.getTypeName().contains("com.nimbusds")) {
                    leaks.add(m.getName() + ": " + t.getTypeName());
                }
            }
        }

        assertThat(leaks).isEmpty();
    }

    @Test
    void keepsTheFactoriesAndAccessors() {
        ClientAuthentication basic = ClientAuthentication.clientSecretBasic("c", "s");

        assertThat(basic.method()).isEqualTo(ClientAuthentication.Method.CLIENT_SECRET_BASIC);
        assertThat(basic.clientId()).isEqualTo("c");
        assertThat(ClientAuthentication.clientSecretPost("c", "s").method())
                .isEqualTo(ClientAuthentication.Method.CLIENT_SECRET_POST);
        assertThat(ClientAuthentication.none("c").method()).isEqualTo(ClientAuthentication.Method.NONE);
    }
}
