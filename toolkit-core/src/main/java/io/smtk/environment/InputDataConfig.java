package io.smtk.environment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code inputdataconfig.json}, validated where it is read: the channels and the folder each one is
 * in.
 *
 * @param json the file's object, as read (the contract passes it on verbatim)
 * @param channelInputDirs each channel's folder under {@code input/data}, in file order
 */
public record InputDataConfig(ObjectNode json, Map<String, Path> channelInputDirs) {

  public InputDataConfig {
    json = json.deepCopy();
    channelInputDirs = Collections.unmodifiableMap(new LinkedHashMap<>(channelInputDirs));
  }

  /**
   * Reads the file's object; each channel name must be a folder name under {@code dataDir}.
   *
   * @param json the object
   * @param file where it was read, for messages
   * @param dataDir {@code input/data}
   * @return the configuration
   * @throws InvalidTrainingConfigException when a channel name cannot be a folder name
   */
  static InputDataConfig read(ObjectNode json, Path file, Path dataDir)
      throws InvalidTrainingConfigException {
    Map<String, Path> channels = new LinkedHashMap<>();
    for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
      String channel = it.next();
      if (channel.isEmpty()
          || channel.equals(".")
          || channel.equals("..")
          || channel.contains("/")
          || channel.indexOf('\0') >= 0) {
        throw new InvalidTrainingConfigException(
            "Channel name "
                + ConfigFiles.quoted(channel)
                + " in "
                + file
                + " cannot be a folder name under "
                + dataDir);
      }
      if (channel.indexOf('=') >= 0) {
        throw new InvalidTrainingConfigException(
            "Channel name "
                + ConfigFiles.quoted(channel)
                + " in "
                + file
                + " holds '=', which no environment variable name (SM_CHANNEL_*) can carry");
      }
      channels.put(channel, dataDir.resolve(channel));
    }
    return new InputDataConfig(json, channels);
  }

  @Override
  public ObjectNode json() {
    return json.deepCopy();
  }
}
