package dev.baton.okhttp.internal;

import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The network-level half of DPoP: writes a fresh {@code DPoP} proof on each network request that
 * carries a {@link DPoPGrant} and is on the grant's route, and keeps the nonce the answer brings.
 *
 * <p>A proof is bound to one method and URL (RFC 9449 §4.2, §7.1). OkHttp follows redirects below
 * application interceptors and copies every header but {@code Authorization} into the follow-up, so
 * a proof written by the application half would travel to the redirect's target. Written here, each
 * network request gets its own proof; one off the route gets neither proof nor token. The response
 * handed back refers to the request without the proof. Not API.
 */
public final class DPoPProofWriter implements Interceptor {
    /** The one instance: it holds no state. */
    public static final DPoPProofWriter INSTANCE = new DPoPProofWriter();

    private DPoPProofWriter() {
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        DPoPGrant grant = request.tag(DPoPGrant.class);
        if (grant == null) {
            return chain.proceed(request);
        }
        Request withoutProof = request.header("DPoP") == null ? request
                : request.newBuilder().removeHeader("DPoP").build();
        String proof;
        try {
            proof = grant.proofFor(request);
        } catch (RuntimeException e) {
            // Never e's message: nothing about the key or token; the method or URL could not be proven.
            throw new IOException("cannot sign the DPoP proof for this request: " + e.getClass().getSimpleName());
        }
        if (proof == null) {
            return chain.proceed(withoutProof.newBuilder().removeHeader("Authorization").build());
        }
        Response response = chain.proceed(withoutProof.newBuilder().header("DPoP", proof).build());
        grant.remember(request, response.headers("DPoP-Nonce"));
        return response.newBuilder().request(withoutProof).build();
    }

    @Override
    public String toString() {
        return "TokenExchangeInterceptor network half (DPoP proofs)";
    }
}
