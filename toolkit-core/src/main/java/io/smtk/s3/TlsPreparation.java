package io.smtk.s3;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.hc.client5.http.psl.PublicSuffixMatcherLoader;

/**
 * Sets up what every HTTPS client of the process shares, on a daemon thread, while another thread
 * builds the S3 client that will use it: the JDK's TLS provider, its default trust store (parsed
 * once and cached by the JDK) and the HTTP client's public suffix list (loaded once per process).
 */
final class TlsPreparation implements Runnable {

  private TlsPreparation() {}

  /** Starts the preparation; nothing waits for it. */
  static void startInBackground() {
    // A named class, not a lambda: this runs while the job is still starting up.
    Thread thread = new Thread(new TlsPreparation(), "smtk-s3-tls");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void run() {
    try {
      // The SDK's Apache client creates its own SSLContext with the default trust managers: about
      // half of the client's creation, most of it these one-time steps (provider look-up, cipher
      // suites, the trust store's ~140 certificates, the public suffix list).
      TrustManagerFactory trust =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init((KeyStore) null);
      SSLContext.getInstance("TLS").init(null, trust.getTrustManagers(), null);
      PublicSuffixMatcherLoader.getDefault();
    } catch (GeneralSecurityException | RuntimeException | LinkageError e) {
      // Only a head start: the client's own set-up does the same and reports what fails there.
    }
  }
}
