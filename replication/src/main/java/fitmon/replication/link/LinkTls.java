package fitmon.replication.link;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.function.Supplier;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Mutual TLS 1.3 on certificates of the fitmon CA. A peer is trusted when its certificate is
 * signed by the CA key and valid now; what it may do is decided by the caller from its
 * {@link LinkIdentity}. The CA issues end-entity certificates directly, so no chain is walked.
 * The own key is read from the supplier at every handshake: a renewed certificate is used by the
 * next link without a restart.
 */
public final class LinkTls {

    private static final String ALIAS = "fitmon-link";
    private static final String[] PROTOCOLS = {"TLSv1.3"};

    private final SSLContext context;

    public LinkTls(PublicKey caKey, Supplier<LinkCredentials> credentials) {
        try {
            context = SSLContext.getInstance("TLSv1.3");
            context.init(new X509ExtendedKeyManager[] {new CurrentKey(credentials)},
                    new X509ExtendedTrustManager[] {new CaSigned(caKey)}, null);
            // no resumed sessions: every link shows a certificate that is checked now (validity,
            // and the caller's role and revocation checks), not one that was valid when cached
            context.getServerSessionContext().setSessionTimeout(1);
            context.getClientSessionContext().setSessionTimeout(1);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS 1.3 is not available in this JVM", e);
        }
    }

    /** A listening socket that asks every client for its certificate; handshakes happen per connection. */
    public SSLServerSocket listen(InetSocketAddress address, int backlog) throws IOException {
        SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket();
        server.setReuseAddress(true);
        server.setEnabledProtocols(PROTOCOLS);
        server.setNeedClientAuth(true);
        server.bind(address, backlog);
        return server;
    }

    /** Connects and completes the handshake within the timeout; the caller checks who answered. */
    public SSLSocket connect(InetSocketAddress address, Duration timeout) throws IOException {
        Socket plain = new Socket();
        try {
            plain.setTcpNoDelay(true);
            plain.connect(address, (int) timeout.toMillis());
            SSLSocket socket = (SSLSocket) context.getSocketFactory()
                    .createSocket(plain, address.getHostString(), address.getPort(), true);
            socket.setEnabledProtocols(PROTOCOLS);
            socket.setUseClientMode(true);
            socket.setSoTimeout((int) timeout.toMillis());
            socket.startHandshake();
            return socket;
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    /** The identity in the certificate the other end showed in a finished handshake. */
    public static LinkIdentity peerOf(SSLSocket socket) throws SSLPeerUnverifiedException {
        X509Certificate certificate = (X509Certificate) socket.getSession().getPeerCertificates()[0];
        try {
            certificate.checkValidity();
        } catch (CertificateException e) {
            throw new SSLPeerUnverifiedException("the peer's certificate is not valid now: " + e.getMessage());
        }
        return LinkIdentity.of(certificate);
    }

    private static final class CurrentKey extends X509ExtendedKeyManager {
        private final Supplier<LinkCredentials> credentials;

        CurrentKey(Supplier<LinkCredentials> credentials) {
            this.credentials = credentials;
        }

        private String aliasFor(String keyType) {
            LinkCredentials current = credentials.get();
            return current != null && current.key().getAlgorithm().equals(keyType) ? ALIAS : null;
        }

        private String aliasFor(String[] keyTypes) {
            for (String keyType : keyTypes) {
                if (aliasFor(keyType) != null) {
                    return ALIAS;
                }
            }
            return null;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return aliasFor(keyType) == null ? null : new String[] {ALIAS};
        }

        @Override
        public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
            return aliasFor(keyTypes);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
            return aliasFor(keyTypes);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return getClientAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return aliasFor(keyType);
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return aliasFor(keyType);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            LinkCredentials current = credentials.get();
            return ALIAS.equals(alias) && current != null ? new X509Certificate[] {current.certificate()} : null;
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            LinkCredentials current = credentials.get();
            return ALIAS.equals(alias) && current != null ? current.key() : null;
        }
    }

    private static final class CaSigned extends X509ExtendedTrustManager {
        private final PublicKey caKey;

        CaSigned(PublicKey caKey) {
            this.caKey = caKey;
        }

        private void check(X509Certificate[] chain) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("no certificate");
            }
            X509Certificate leaf = chain[0];
            try {
                leaf.verify(caKey);
            } catch (GeneralSecurityException e) {
                throw new CertificateException("not signed by the fitmon CA: " + leaf.getSubjectX500Principal(), e);
            }
            leaf.checkValidity();
            if (leaf.getBasicConstraints() >= 0) {
                throw new CertificateException("a CA certificate cannot open a link");
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            check(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            check(chain);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
