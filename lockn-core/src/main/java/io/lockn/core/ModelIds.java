package io.lockn.core;

import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Normalises model ids to their family, so that dated snapshots, versions, regional prefixes and provider paths of
 * the same model compare equal.
 *
 * <p>{@code gpt-4o-2024-08-06}, {@code openai/gpt-4o} and {@code GPT-4o} normalise to {@code gpt-4o}; {@code
 * us.anthropic.claude-3-5-sonnet-20241022-v2:0} and {@code claude-3-5-sonnet@20241022} to {@code
 * claude-3-5-sonnet}; {@code models/gemini-1.5-pro-002} to {@code gemini-1.5-pro}. Different models stay different:
 * {@code gpt-4o-mini} is not {@code gpt-4o}, and {@code gpt-3.5-turbo} is not {@code gpt-4}. Thread-safe; never
 * throws.
 */
public final class ModelIds {

  /** Model ids longer than this are cut before matching, so hostile input cannot make matching slow. */
  static final int MAX_MODEL_ID_LENGTH = 256;

  private static final Pattern BEDROCK_REGION = Pattern.compile("^(us|eu|apac|ap|global|us-gov|jp|au|ca)\\.");
  private static final Pattern BEDROCK_VENDOR =
      Pattern.compile("^(anthropic|meta|amazon|cohere|mistral|ai21|deepseek|openai|qwen|writer)\\.");
  private static final Pattern BEDROCK_VERSION = Pattern.compile("-v\\d+(:\\d+)?$");
  private static final Pattern VERTEX_VERSION = Pattern.compile("@[a-z0-9-]+$");
  // Only ":latest": other tags name a different model size or quantisation (llama3.1:8b is not llama3.1:70b).
  private static final Pattern TAG = Pattern.compile(":latest$");
  private static final Pattern SUFFIX =
      Pattern.compile(
          "(-\\d{4}-\\d{2}-\\d{2}|-\\d{8}|-\\d{3,4}|-latest|-preview(-\\d{2}-\\d{2})?|-exp(-\\d{2}-\\d{2})?)$");

  // Families are asked for on every model call (substitution checks) and computing one costs several regex passes;
  // the handful of distinct model ids an application uses are cached, up to a bound that hostile ids cannot exceed.
  private static final int MAX_CACHED = 1024;
  private static final java.util.concurrent.ConcurrentHashMap<String, String> FAMILIES =
      new java.util.concurrent.ConcurrentHashMap<>();

  private ModelIds() {}

  /**
   * The family of a model id: lower case, without provider path, Bedrock region and vendor prefixes, version tags,
   * dates and {@code -latest}/{@code -preview} suffixes.
   *
   * @param modelId the model id; {@code null} or blank gives the empty string
   * @return the normalised family, never {@code null}
   */
  public static String family(@Nullable String modelId) {
    if (modelId == null) {
      return "";
    }
    String cached = FAMILIES.get(modelId);
    if (cached != null) {
      return cached;
    }
    String family = computeFamily(modelId);
    if (FAMILIES.size() < MAX_CACHED) {
      FAMILIES.putIfAbsent(modelId, family);
    }
    return family;
  }

  private static String computeFamily(String modelId) {
    // Strip, then lower case, then cut: whitespace around an id never matters, and lower-casing can lengthen a
    // string, which must not take the family past the bound.
    String id = modelId.strip().toLowerCase(Locale.ROOT);
    if (id.length() > MAX_MODEL_ID_LENGTH) {
      id = id.substring(0, MAX_MODEL_ID_LENGTH);
    }
    // Prefixes and suffixes stack in any order ("us.anthropic.claude-...-v1:0", "-preview-05-06", "-2024-08-06"), so
    // strip them until nothing changes: the family of a family is itself. Every round that changes the id shortens
    // it, so this ends after at most as many rounds as the id has characters (usually one or two).
    while (true) {
      String next = stripOnce(id);
      if (next.equals(id)) {
        return id;
      }
      id = next;
    }
  }

  private static String stripOnce(String id) {
    id = id.strip();
    int slash = id.lastIndexOf('/');
    if (slash >= 0) {
      id = id.substring(slash + 1).strip();
    }
    id = BEDROCK_REGION.matcher(id).replaceFirst("");
    id = BEDROCK_VENDOR.matcher(id).replaceFirst("");
    id = BEDROCK_VERSION.matcher(id).replaceFirst("");
    id = VERTEX_VERSION.matcher(id).replaceFirst("");
    id = TAG.matcher(id).replaceFirst("");
    // Keep at least one character.
    String stripped = SUFFIX.matcher(id).replaceFirst("");
    return stripped.isEmpty() ? id : stripped;
  }

  /**
   * Whether two model ids belong to the same family.
   *
   * @param requestModel the requested model
   * @param responseModel the model that answered
   * @return {@code true} when their {@link #family(String) families} are equal; {@code true} when either is blank
   */
  public static boolean sameFamily(@Nullable String requestModel, @Nullable String responseModel) {
    String a = family(requestModel);
    String b = family(responseModel);
    return a.isEmpty() || b.isEmpty() || a.equals(b);
  }
}
