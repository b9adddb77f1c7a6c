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
   * @throws InvalidTrainingConfigException when a name holds {@code =}, or a name or value holds
   *     what no process can receive (NUL, a lone surrogate); the message names the key
   */
  static Hyperparameters split(ObjectNode decoded, String source)
      throws InvalidTrainingConfigException {
    ObjectNode user = NODES.objectNode();
    ObjectNode framework = NODES.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = decoded.properties().iterator();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      check(entry.getKey(), entry.getValue(), source);
      (FrameworkParameters.isFrameworkKey(entry.getKey()) ? framework : user)
          .set(entry.getKey(), entry.getValue());
    }
    return new Hyperparameters(user, FrameworkParameters.of(framework, source));
  }

  /**
   * Refuses a hyperparameter that cannot reach the user's process: its name becomes an environment
   * variable's ({@code SM_HP_NAME}), which cannot hold {@code =}, and its value an argument and a
   * variable's value, which cannot hold NUL. The decoded value is checked, since a value's own JSON
   * can spell NUL or a lone surrogate as an escape.
   */
  private static void check(String name, JsonNode value, String source)
      throws InvalidTrainingConfigException {
    String where = "Hyperparameter " + ConfigFiles.quoted(name) + " in " + source;
    String nameProblem = ConfigFiles.textProblem(name);
    if (nameProblem != null) {
      throw new InvalidTrainingConfigException(where + ": its name holds " + nameProblem);
    }
    if (name.indexOf('=') >= 0) {
      throw new InvalidTrainingConfigException(
          where + ": its name holds '=', which no environment variable name (SM_HP_*) can carry");
    }
    ConfigFiles.TextProblem problem = ConfigFiles.findTextProblem(value, "");
    if (problem != null) {
      throw new InvalidTrainingConfigException(
          where
              + ": its value"
              + (problem.path().equals("the file") ? "" : " (at " + problem.path() + ")")
              + " holds "
              + problem.what());
    }
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
