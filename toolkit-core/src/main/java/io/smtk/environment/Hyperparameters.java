package io.smtk.environment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.smtk.python.PythonJson;
import io.smtk.python.PythonJsonException;
import java.util.Iterator;
import java.util.Map;

/**
 * The job's hyperparameters, split as the Python toolkit splits them: the user's (passed to the
 * script) and SageMaker's {@link FrameworkParameters}.
 *
 * @param user the user's hyperparameters, decoded
 * @param framework the {@code sagemaker_*} and reserved ones
 */
public record Hyperparameters(ObjectNode user, FrameworkParameters framework) {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  public Hyperparameters {
    user = user.deepCopy();
  }

  /**
   * Splits decoded hyperparameters.
   *
   * @param decoded every hyperparameter, decoded (see {@link #decode})
   * @param source where they come from, for messages
   * @return the split
   */
  static Hyperparameters split(ObjectNode decoded, String source) {
    ObjectNode user = NODES.objectNode();
    ObjectNode framework = NODES.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = decoded.properties().iterator();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      (FrameworkParameters.isFrameworkKey(entry.getKey()) ? framework : user)
          .set(entry.getKey(), entry.getValue());
    }
    return new Hyperparameters(user, FrameworkParameters.of(framework, source));
  }

  /**
   * Decodes every string value with Python's {@code json.loads}, keeping the raw string when it is
   * not JSON, and keeping non-string values as they are, as the Python toolkit does.
   *
   * @param raw the file's object
   * @return a new object with the decoded values, keys in file order
   */
  public static ObjectNode decode(ObjectNode raw) {
    ObjectNode decoded = NODES.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = raw.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      JsonNode value = entry.getValue();
      if (value.isTextual()) {
        try {
          value = PythonJson.loads(value.textValue());
        } catch (PythonJsonException e) {
          value = TextNode.valueOf(value.textValue());
        }
      }
      decoded.set(entry.getKey(), value);
    }
    return decoded;
  }

  @Override
  public ObjectNode user() {
    return user.deepCopy();
  }

  /**
   * Returns these hyperparameters with the user's replaced (a framework's rewrite, e.g.
   * TensorFlow's {@code model_dir} under tuning).
   *
   * @param changed the user's hyperparameters
   * @return the hyperparameters
   */
  public Hyperparameters withUser(ObjectNode changed) {
    return new Hyperparameters(changed, framework);
  }

  /**
   * Returns these hyperparameters with SageMaker's replaced.
   *
   * @param changed SageMaker's hyperparameters
   * @return the hyperparameters
   */
  public Hyperparameters withFramework(FrameworkParameters changed) {
    return new Hyperparameters(user, changed);
  }
}
