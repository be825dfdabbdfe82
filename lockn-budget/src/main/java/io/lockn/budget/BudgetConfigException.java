package io.lockn.budget;

import org.jspecify.annotations.Nullable;

/**
 * A budget configuration is invalid: thrown at configuration time, before anything of it is applied.
 *
 * <ul>
 *   <li>by {@link BudgetSpec#toBudget()}, {@link Period#parse} and their callers in code: {@link #field()} in
 *       {@link BudgetSpec}'s vocabulary ({@code scope}, {@code period.zone}...) and the {@link #problem()}; the
 *       message is {@code field: problem};
 *   <li>by {@link Budgets.Builder#addConfig}: also the {@link #file()} and the {@link #location()} in it, the field
 *       under the file's own name; the message is {@code file: location: field: problem}.
 * </ul>
 *
 * The same mistake has the same {@link #problem()} however the budget was configured: a front end only names the
 * place (a file and budget, a Spring property).
 */
public final class BudgetConfigException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final @Nullable String file;
  private final @Nullable String location;
  private final @Nullable String field;
  private final String problem;

  /** A problem of one field of a budget specification, before any front end names where it is. */
  BudgetConfigException(String field, String problem) {
    this(null, null, field, problem);
  }

  BudgetConfigException(@Nullable String file, @Nullable String location, @Nullable String field, String problem) {
    super(message(file, location, field, problem));
    this.file = file;
    this.location = location;
    this.field = field;
    this.problem = problem;
  }

  private static String message(
      @Nullable String file, @Nullable String location, @Nullable String field, String problem) {
    StringBuilder sb = new StringBuilder();
    for (String part : new String[] {file, location, field}) {
      if (part != null) {
        sb.append(part).append(": ");
      }
    }
    return sb.append(problem).toString();
  }

  /**
   * The file.
   *
   * @return its path as given, or {@code null} when the configuration did not come from a file
   */
  public @Nullable String file() {
    return file;
  }

  /**
   * Where in the file: for example {@code budgets[2] (tenant-monthly)}, {@code downgrades}, {@code approval} or
   * {@code line 3, column 7} for malformed JSON.
   *
   * @return the location, or {@code null} when the configuration did not come from a file
   */
  public @Nullable String location() {
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

  /**
   * What is wrong, without the file, location and field: the same text for the same mistake in a budget file, in
   * Spring properties or in code.
   *
   * @return the problem
   */
  public String problem() {
    return problem;
  }
}
