package io.lockn.budget;

import org.jspecify.annotations.Nullable;

/**
 * A budget configuration file is invalid; thrown at configuration time by {@link Budgets.Builder#addConfig}, before
 * anything of the file is applied.
 */
public final class BudgetConfigException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String file;
  private final String location;
  private final @Nullable String field;

  BudgetConfigException(String file, String location, @Nullable String field, String problem) {
    super(file + ": " + location + (field == null ? "" : ": " + field) + ": " + problem);
    this.file = file;
    this.location = location;
    this.field = field;
  }

  /**
   * The file.
   *
   * @return its path as given
   */
  public String file() {
    return file;
  }

  /**
   * Where in the file: for example {@code budgets[2] (tenant-monthly)}, {@code downgrades}, {@code approval} or
   * {@code line 3, column 7} for malformed JSON.
   *
   * @return the location
   */
  public String location() {
    return location;
  }

  /**
   * The invalid field, for example {@code period.zone}.
   *
   * @return the field, or {@code null} when the problem is not one field's (malformed JSON)
   */
  public @Nullable String field() {
    return field;
  }
}
