package dev.baton.internal.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Claims kept by a validated token are unmodifiable all the way down, copied or sealed in place. */
class ClaimMapsTest {
    private static final String JSON = "{\"sub\":\"alice\",\"aud\":[\"a\",\"b\"],"
            + "\"act\":{\"sub\":\"agent\",\"act\":{\"sub\":\"first\"}},\"groups\":[{\"name\":\"x\"}],\"n\":1}";

    @SuppressWarnings("unchecked")
    private static void assertUnmodifiableAllTheWayDown(Map<String, Object> claims) {
        assertThatThrownBy(() -> claims.put("sub", "mallory")).isInstanceOf(UnsupportedOperationException.class);
        List<Object> aud = (List<Object>) claims.get("aud");
        assertThatThrownBy(() -> aud.add("c")).isInstanceOf(UnsupportedOperationException.class);
        Map<String, Object> act = (Map<String, Object>) claims.get("act");
        assertThatThrownBy(() -> act.put("sub", "x")).isInstanceOf(UnsupportedOperationException.class);
        Map<String, Object> inner = (Map<String, Object>) act.get("act");
        assertThatThrownBy(() -> inner.clear()).isInstanceOf(UnsupportedOperationException.class);
        Map<String, Object> group = (Map<String, Object>) ((List<Object>) claims.get("groups")).get(0);
        assertThatThrownBy(() -> group.put("name", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void sealsAParsedMapInPlaceAllTheWayDown() throws Exception {
        Map<String, Object> parsed = JSONObjectUtils.parse(JSON);

        Map<String, Object> sealed = ClaimMaps.sealInPlace(parsed);

        assertUnmodifiableAllTheWayDown(sealed);
        assertThat(sealed).isEqualTo(JSONObjectUtils.parse(JSON));
        assertThat(sealed.keySet()).containsExactly("sub", "aud", "act", "groups", "n");
    }

    @Test
    void copiesClaimsSomeoneElseHoldsAllTheWayDown() throws Exception {
        Map<String, Object> theirs = JSONObjectUtils.parse(JSON);

        Map<String, Object> copy = ClaimMaps.copy(theirs);
        theirs.put("sub", "mallory");

        assertUnmodifiableAllTheWayDown(copy);
        assertThat(copy.get("sub")).isEqualTo("alice");
    }

    @Test
    void sealingTurnsACollectionThatIsNotAListIntoAList() {
        Map<String, Object> parsed = new LinkedHashMap<>();
        parsed.put("roles", Set.of("admin"));
        parsed.put("list", new ArrayList<>(List.of("x")));

        Map<String, Object> sealed = ClaimMaps.sealInPlace(parsed);

        assertThat(sealed.get("roles")).isEqualTo(List.of("admin"));
        assertThat(sealed.get("list")).isEqualTo(List.of("x"));
    }
}
