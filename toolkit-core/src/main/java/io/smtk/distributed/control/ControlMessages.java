package io.smtk.distributed.control;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The job control channel's messages, one line each, and the proofs of its handshake.
 *
 * <p>The handshake, before anything else: the worker sends {@code HELLO SMTK2 <host> <worker
 * nonce>}; the master answers {@code CHALLENGE <master nonce> <master proof>}, which the worker
 * checks; the worker sends {@code PROOF <worker proof>}, which the master checks. A proof is the
 * channel key's HMAC-SHA256 of the role, the host and both nonces (32 random bytes each), so
 * neither side can replay or reflect the other's. From then on every message carries the
 * HMAC-SHA256, under a key derived from both nonces, of its direction, its sequence number and its
 * text ({@link Session}): master {@code KEY <ssh public key or ->}, worker {@code READY <ssh host
 * key or ->}, {@code PING} both ways, master {@code END <outcome>}, worker {@code BYE <reason>}.
 */
final class ControlMessages {

  static final String PROTOCOL = "SMTK2";

  /** The longest handshake message (a host name can have 253 characters). */
  static final int MAX_HANDSHAKE_BYTES = 1024;

  /** The longest message after the handshake but {@code END} (an SSH key line, a reason). */
  static final int MAX_MESSAGE_BYTES = 16 * 1024;

  /** The longest {@code END}: the failing rank's error text, Base64-encoded. */
  static final int MAX_END_BYTES = 1024 * 1024;

  static final String MASTER = "master";
  static final String WORKER = "worker";

  private static final int NONCE_BYTES = 32;
  private static final int MAC_BYTES = 16;
  private static final Pattern HEX_NONCE = Pattern.compile("[0-9a-f]{" + 2 * NONCE_BYTES + "}");
  private static final Pattern HEX_PROOF = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern HEX_MAC = Pattern.compile("[0-9a-f]{" + 2 * MAC_BYTES + "}");
  private static final Pattern HOST = Pattern.compile("[\\x21-\\x7e]{1,253}");
  private static final Pattern KEY_LINE =
      Pattern.compile(
          "([a-z0-9][a-z0-9@.-]{0,63}) ([A-Za-z0-9+/]{1,8192}={0,2})( [\\x20-\\x7e]*)?");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  private ControlMessages() {}

  /** A worker's introduction. */
  record Hello(String host, String nonce) {}

  /** The master's answer: its nonce and its proof. */
  record Challenge(String nonce, String proof) {}

  static String nonce() {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    return HEX.formatHex(nonce);
  }

  static String hello(String host, String nonce) {
    return "HELLO " + PROTOCOL + " " + host + " " + nonce;
  }

  static Hello parseHello(String line) throws ControlProtocolException {
    String[] words = words(line, 4, "HELLO");
    if (!words[1].equals(PROTOCOL)) {
      throw new ControlProtocolException(
          "it speaks control protocol "
              + shown(words[1])
              + ", not "
              + PROTOCOL
              + " (a toolkit of another version?)");
    }
    if (!HOST.matcher(words[2]).matches()) {
      throw new ControlProtocolException("it sent a malformed host name " + shown(words[2]));
    }
    if (!HEX_NONCE.matcher(words[3]).matches()) {
      throw new ControlProtocolException("it sent a malformed nonce " + shown(words[3]));
    }
    return new Hello(words[2], words[3]);
  }

  static String challenge(String nonce, String proof) {
    return "CHALLENGE " + nonce + " " + proof;
  }

  static Challenge parseChallenge(String line) throws ControlProtocolException {
    String[] words = words(line, 3, "CHALLENGE");
    if (!HEX_NONCE.matcher(words[1]).matches() || !HEX_PROOF.matcher(words[2]).matches()) {
      throw new ControlProtocolException("it sent a malformed CHALLENGE: " + shown(line));
    }
    return new Challenge(words[1], words[2]);
  }

  static String proofMessage(String proof) {
    return "PROOF " + proof;
  }

  static String parseProof(String line) throws ControlProtocolException {
    String[] words = words(line, 2, "PROOF");
    if (!HEX_PROOF.matcher(words[1]).matches()) {
      throw new ControlProtocolException("it sent a malformed PROOF: " + shown(line));
    }
    return words[1];
  }

  /** The proof that one side holds the key, bound to its role, the host and both nonces. */
  static String proof(
      ChannelKey key, String role, String host, String workerNonce, String masterNonce) {
    return HEX.formatHex(key.mac("proof " + role, host, workerNonce, masterNonce));
  }

  /** Compares a received proof with the expected one in constant time. */
  static boolean verify(String expected, String received) {
    return MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.US_ASCII), received.getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Reads the master's SSH public key from {@code KEY <key line>} or {@code KEY -}.
   *
   * @return the key line, or null when the master manages SSH otherwise
   */
  static String parseKey(String message) throws ControlProtocolException {
    return keyLine(message, "KEY");
  }

  /**
   * Reads a worker's SSH host key from {@code READY <key line>} or {@code READY -}.
   *
   * @return the key line, or "" when the worker uses an sshd the toolkit did not start
   */
  static String parseReady(String message) throws ControlProtocolException {
    String key = keyLine(message, "READY");
    return key == null ? "" : key;
  }

  /**
   * Checks an SSH public key line: {@code type base64 [comment]}, where the Base64 blob is an SSH
   * key of that type (it starts with the type's name).
   *
   * @param line the line
   * @return whether it is one
   */
  static boolean isKeyLine(String line) {
    var matcher = KEY_LINE.matcher(line);
    if (!matcher.matches()) {
      return false;
    }
    try {
      ByteBuffer blob = ByteBuffer.wrap(Base64.getDecoder().decode(matcher.group(2)));
      int length = blob.getInt();
      if (length < 1 || length > blob.remaining()) {
        return false;
      }
      byte[] type = new byte[length];
      blob.get(type);
      return new String(type, StandardCharsets.US_ASCII).equals(matcher.group(1));
    } catch (IllegalArgumentException | BufferUnderflowException e) {
      return false;
    }
  }

  private static String keyLine(String message, String verb) throws ControlProtocolException {
    if (!message.startsWith(verb + " ")) {
      throw new ControlProtocolException("it sent " + shown(message) + " instead of " + verb);
    }
    String key = message.substring(verb.length() + 1);
    if (key.equals("-")) {
      return null;
    }
    if (!isKeyLine(key)) {
      throw new ControlProtocolException(
          "it sent a malformed " + verb + " (not an SSH public key line): " + shown(message));
    }
    return key;
  }

  static String bye(String reason) {
    return "BYE " + Base64.getEncoder().encodeToString(reason.getBytes(StandardCharsets.UTF_8));
  }

  static String parseBye(String message) throws ControlProtocolException {
    String[] words = words(message, 2, "BYE");
    try {
      return new String(Base64.getDecoder().decode(words[1]), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ControlProtocolException("it sent a malformed BYE: " + shown(message), e);
    }
  }

  private static String[] words(String line, int count, String verb)
      throws ControlProtocolException {
    String[] words = line.split(" ", -1);
    if (words.length != count || !words[0].equals(verb)) {
      throw new ControlProtocolException(
          "it sent " + shown(line) + " where " + verb + " with " + (count - 1) + " fields belongs");
    }
    return words;
  }

  /** A peer's text for a message: quoted, cut short, so that no peer can flood the log. */
  static String shown(String text) {
    String cut = text.length() <= 80 ? text : text.substring(0, 80) + "…";
    StringBuilder quoted = new StringBuilder("'");
    for (int i = 0; i < cut.length(); i++) {
      char c = cut.charAt(i);
      quoted.append(c < 0x20 || c == 0x7f ? '?' : c);
    }
    return quoted.append("' (").append(text.length()).append(" characters)").toString();
  }

  /**
   * The authentication of one connection's messages after the handshake: each side seals what it
   * sends with its direction and a sequence number, and opens what it receives, so that no message
   * can be forged, changed, replayed or reordered.
   */
  static final class Session {
    private final ChannelKey key;
    private final String sending;
    private final String receiving;
    private long sent; // guarded by this
    private long received; // only the reading thread

    Session(ChannelKey key, String role) {
      this.key = key;
      this.sending = role;
      this.receiving = role.equals(MASTER) ? WORKER : MASTER;
    }

    synchronized String seal(String message) {
      return message + " " + mac(sending, sent++, message);
    }

    String open(String line) throws ControlProtocolException {
      int space = line.lastIndexOf(' ');
      if (space < 0 || !HEX_MAC.matcher(line.substring(space + 1)).matches()) {
        throw new ControlProtocolException(
            "it sent a message without an authentication code: " + shown(line));
      }
      String message = line.substring(0, space);
      if (!verify(mac(receiving, received, message), line.substring(space + 1))) {
        throw new ControlProtocolException(
            "it sent a message whose authentication code does not verify (forged, changed or"
                + " replayed): "
                + shown(message));
      }
      received++;
      return message;
    }

    private String mac(String direction, long sequence, String message) {
      byte[] code = key.mac("message " + direction, Long.toString(sequence), message);
      return HEX.formatHex(code, 0, MAC_BYTES);
    }
  }
}
