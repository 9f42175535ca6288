package dev.baton.internal.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JcaSignaturesTest {
    private static final byte[] INPUT = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9".getBytes(StandardCharsets.US_ASCII);
    private static RSAKey rsa;
    private static ECKey ec;

    @BeforeAll
    static void keys() throws Exception {
        rsa = new RSAKeyGenerator(2048).generate();
        ec = new ECKeyGenerator(Curve.P_256).generate();
    }

    private static byte[] rsaSignature(byte[] input) throws Exception {
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(rsa.toPrivateKey());
        s.update(input);
        return s.sign();
    }

    private static byte[] es256Signature(byte[] input) throws Exception {
        Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
        s.initSign(ec.toPrivateKey());
        s.update(input);
        return s.sign();
    }

    @Test
    void verifiesAnRs256SignatureByItsKey() throws Exception {
        assertThat(JcaSignatures.verify(JWSAlgorithm.RS256, rsa.toRSAPublicKey(), INPUT, INPUT.length, rsaSignature(INPUT))).isTrue();
    }

    @Test
    void verifiesAnEs256SignatureInItsRawJwsForm() throws Exception {
        byte[] signature = es256Signature(INPUT);

        assertThat(signature).hasSize(64);
        assertThat(JcaSignatures.verify(JWSAlgorithm.ES256, ec.toECPublicKey(), INPUT, INPUT.length, signature)).isTrue();
    }

    @Test
    void rejectsASignatureOfOtherBytes() throws Exception {
        byte[] other = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJtYWxsb3J5In0".getBytes(StandardCharsets.US_ASCII);

        assertThat(JcaSignatures.verify(JWSAlgorithm.RS256, rsa.toRSAPublicKey(), INPUT, INPUT.length, rsaSignature(other))).isFalse();
        assertThat(JcaSignatures.verify(JWSAlgorithm.ES256, ec.toECPublicKey(), INPUT, INPUT.length, es256Signature(other))).isFalse();
    }

    @Test
    void rejectsAnEs256SignatureOfAnotherLength() throws Exception {
        byte[] signature = es256Signature(INPUT);
        byte[] longer = Arrays.copyOf(signature, 65);

        assertThat(JcaSignatures.verify(JWSAlgorithm.ES256, ec.toECPublicKey(), INPUT, INPUT.length, longer)).isFalse();
        assertThat(JcaSignatures.verify(JWSAlgorithm.ES256, ec.toECPublicKey(), INPUT, INPUT.length, Arrays.copyOf(signature, 63)))
                .isFalse();
    }

    @Test
    void rejectsTheAllZeroEs256Signature() throws Exception {
        // CVE-2022-21449 ("psychic signatures"): R = S = 0 must never verify.
        assertThat(JcaSignatures.verify(JWSAlgorithm.ES256, ec.toECPublicKey(), INPUT, INPUT.length, new byte[64])).isFalse();
    }

    @Test
    void rejectsAKeyOfAnotherType() throws Exception {
        assertThat(JcaSignatures.verify(JWSAlgorithm.ES256, rsa.toRSAPublicKey(), INPUT, INPUT.length, es256Signature(INPUT)))
                .isFalse();
        assertThat(JcaSignatures.verify(JWSAlgorithm.RS256, ec.toECPublicKey(), INPUT, INPUT.length, rsaSignature(INPUT))).isFalse();
    }

    @Test
    void leavesPssToTheNimbusVerifier() {
        assertThat(JcaSignatures.handles(JWSAlgorithm.PS256)).isFalse();
        assertThat(JcaSignatures.handles(JWSAlgorithm.RS256)).isTrue();
        assertThat(JcaSignatures.handles(JWSAlgorithm.ES512)).isTrue();
    }

    @Test
    void verifiesOnlyThePrefixItIsGiven() throws Exception {
        byte[] withSignaturePart = Arrays.copyOf(INPUT, INPUT.length + 5);
        withSignaturePart[INPUT.length] = '.';

        assertThat(JcaSignatures.verify(JWSAlgorithm.RS256, rsa.toRSAPublicKey(), withSignaturePart, INPUT.length,
                rsaSignature(INPUT))).isTrue();
        assertThat(JcaSignatures.verify(JWSAlgorithm.RS256, rsa.toRSAPublicKey(), withSignaturePart,
                withSignaturePart.length, rsaSignature(INPUT))).isFalse();
    }
}
