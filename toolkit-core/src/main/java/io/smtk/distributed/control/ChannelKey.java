package io.smtk.distributed.control;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The key both ends of the job control channel prove they hold before anything else: derived from
 * {@code SMTK_JOB_SECRET} when the job sets it, else from what every host of the job is given alike
 * (docs/DECISIONS.md, "The job control channel").
 */
public final class ChannelKey {

  private static final String HMAC = "HmacSHA256";
  private static final String CONTEXT = "smtk job control channel v2";

  private final byte[] key;
  private final boolean fromSecret;

  private ChannelKey(byte[] key, boolean fromSecret) {
    this.key = key.clone();
    this.fromSecret = fromSecret;
  }

  /**
   * Derives the key from the job's secret; the job's identity is mixed in, so a secret reused by
   * another job still gives another key.
   *
   * @param secret the secret every host was given ({@code SMTK_JOB_SECRET})
   * @param jobIdentity what names this job on every host alike (job name, hosts)
   * @return the key
   */
  public static ChannelKey fromSecret(String secret, String... jobIdentity) {
    return new ChannelKey(
        hmac(secret.getBytes(StandardCharsets.UTF_8), CONTEXT + " secret", jobIdentity), true);
  }

  /**
   * Derives the key from what every host of the job shares when the job has no secret: it keeps out
   * a peer that does not know the job's configuration, not one that does.
   *
   * @param shared the job's identity and configuration, alike on every host
   * @return the key
   */
  public static ChannelKey derived(String... shared) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return new ChannelKey(
          hmac(sha.digest(encode(CONTEXT + " derived", shared)), CONTEXT + " derived", shared),
          false);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
    }
  }

  /**
   * Tells whether the key comes from the job's secret.
   *
   * @return false when it was derived from the job's configuration
   */
  public boolean fromSecret() {
    return fromSecret;
  }

  /**
   * Returns a short fingerprint of the key, safe to log, so that hosts whose keys differ show it.
   *
   * @return 8 hex digits
   */
  public String fingerprint() {
    return java.util.HexFormat.of().formatHex(mac("fingerprint"), 0, 4);
  }

  /**
   * Computes this key's HMAC-SHA256 of a labelled, length-prefixed list of parts.
   *
   * @param label what the code is for (one label per use, so no code answers for another)
   * @param parts the parts
   * @return 32 bytes
   */
  byte[] mac(String label, String... parts) {
    return hmac(key, label, parts);
  }

  /**
   * Derives the key of one connection from both sides' nonces.
   *
   * @param parts the host and both nonces
   * @return the session key
   */
  ChannelKey session(String... parts) {
    return new ChannelKey(mac("session", parts), fromSecret);
  }

  @Override
  public String toString() {
    // Never the key itself: this may end up in a log.
    return "ChannelKey["
        + (fromSecret ? "from SMTK_JOB_SECRET" : "derived")
        + ", fingerprint "
        + fingerprint()
        + "]";
  }

  private static byte[] hmac(byte[] key, String label, String... parts) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, HMAC));
      return mac.doFinal(encode(label, parts));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this Java runtime", e);
    }
  }

  /** Length-prefixed, so that no two different lists of parts give the same bytes. */
  private static byte[] encode(String label, String... parts) {
    byte[][] encoded = new byte[parts.length + 1][];
    int size = 0;
    encoded[0] = label.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < parts.length; i++) {
      encoded[i + 1] = parts[i].getBytes(StandardCharsets.UTF_8);
    }
    for (byte[] part : encoded) {
      size += 4 + part.length;
    }
    ByteBuffer buffer = ByteBuffer.allocate(size);
    for (byte[] part : encoded) {
      buffer.putInt(part.length).put(part);
    }
    return buffer.array();
  }
}
