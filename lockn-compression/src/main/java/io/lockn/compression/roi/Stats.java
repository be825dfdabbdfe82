package io.lockn.compression.roi;

import java.util.Arrays;
import java.util.SplittableRandom;

/*
 * Statistics for the ROI analysis, dependency-free.
 *
 * Student t quantile: the t CDF is computed from the regularized incomplete beta function,
 *   P(T <= t) = 1 - I_{v/(v+t^2)}(v/2, 1/2) / 2   for t >= 0,
 * evaluated with the Lentz continued fraction (Numerical Recipes 6.4) and a Lanczos log-gamma (g = 7, 9 terms), then
 * inverted by bisection to a relative width of 1e-13. Accuracy is about 1e-10 or better for 1 <= v <= 1e5, which
 * covers every Welch-Satterthwaite df (non-integer df are fine). Above v = 1e5 the Cornish-Fisher expansion
 *   t = z + (z^3 + z) / (4v) + (5z^5 + 16z^3 + 3z) / (96v^2)
 * is used (truncation error O(v^-3), below 1e-14 there); v = infinity gives the normal quantile z.
 *
 * Normal quantile: Acklam's rational approximation (relative error below 1.15e-9), refined with one Halley step on
 * erfc(x) = Q(1/2, x^2) from the incomplete gamma series / continued fraction, giving close to double precision.
 *
 * Percentiles: linear interpolation between order statistics (Hyndman-Fan type 7, R's and NumPy's default).
 */
final class Stats {

  private Stats() {}

  // ---- descriptive ----

  static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s / x.length;
  }

  /** Unbiased sample variance (n - 1 denominator), two-pass. */
  static double variance(double[] x) {
    double m = mean(x);
    double s = 0;
    for (double v : x) {
      s += (v - m) * (v - m);
    }
    return s / (x.length - 1);
  }

  /** Type-7 percentile of already sorted values. */
  static double percentileSorted(double[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    double h = (sorted.length - 1) * p;
    int lo = (int) Math.floor(h);
    int hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }

  static double percentile(double[] x, double p) {
    double[] s = x.clone();
    Arrays.sort(s);
    return percentileSorted(s, p);
  }

  // ---- Welch ----

  /**
   * Welch's interval for mean(a) - mean(b): d +- t(1 - alpha/2, df) * se, se = sqrt(va/na + vb/nb), df by
   * Welch-Satterthwaite. Unknown bounds with fewer than 2 observations in a group; a zero-width interval when both
   * groups are constant.
   */
  static Estimate welch(double[] a, double[] b, double confidence) {
    if (a.length == 0 || b.length == 0) {
      return Estimate.unknown(Double.NaN, confidence, Estimate.Method.WELCH_T);
    }
    double d = mean(a) - mean(b);
    if (a.length < 2 || b.length < 2) {
      return Estimate.unknown(d, confidence, Estimate.Method.WELCH_T);
    }
    double va = variance(a) / a.length;
    double vb = variance(b) / b.length;
    double se2 = va + vb;
    if (se2 == 0) {
      return new Estimate(d, d, d, confidence, Estimate.Method.WELCH_T);
    }
    double df = welchDf(va, a.length, vb, b.length);
    double t = tQuantile(1 - (1 - confidence) / 2, df);
    double half = t * Math.sqrt(se2);
    return new Estimate(d, d - half, d + half, confidence, Estimate.Method.WELCH_T);
  }

  /** Welch-Satterthwaite df from the squared standard errors va = s_a^2/n_a, vb = s_b^2/n_b. */
  static double welchDf(double va, int na, double vb, int nb) {
    double num = (va + vb) * (va + vb);
    double den = va * va / (na - 1) + vb * vb / (nb - 1);
    return den == 0 ? Double.POSITIVE_INFINITY : num / den;
  }

  // ---- bootstrap ----

  /** A statistic of a resample, given as indices into the control and treatment arrays. */
  interface Statistic {
    double of(int[] control, int[] treatment);
  }

  /**
   * Percentile bootstrap: resamples each group with replacement {@code iterations} times from a generator seeded
   * with {@code seed}, so the same data and seed give the same interval; non-finite replicates are dropped. Unknown
   * bounds unless each group named by {@code minC}/{@code minT} has at least that many observations.
   */
  static Estimate bootstrap(
      int nC, int nT, int minC, int minT, Statistic stat, int iterations, long seed, double confidence) {
    int[] allC = identity(nC);
    int[] allT = identity(nT);
    double value = nC >= minC && nT >= minT ? stat.of(allC, allT) : Double.NaN;
    if (nC < Math.max(minC, 0) || nT < Math.max(minT, 0) || nC + nT == 0) {
      return Estimate.unknown(value, confidence, Estimate.Method.PERCENTILE_BOOTSTRAP);
    }
    SplittableRandom random = new SplittableRandom(seed);
    int[] rc = new int[nC];
    int[] rt = new int[nT];
    double[] reps = new double[iterations];
    int k = 0;
    for (int i = 0; i < iterations; i++) {
      for (int j = 0; j < nC; j++) {
        rc[j] = random.nextInt(nC);
      }
      for (int j = 0; j < nT; j++) {
        rt[j] = random.nextInt(nT);
      }
      double r = stat.of(rc, rt);
      if (Double.isFinite(r)) {
        reps[k++] = r;
      }
    }
    if (k == 0) {
      return Estimate.unknown(value, confidence, Estimate.Method.PERCENTILE_BOOTSTRAP);
    }
    double[] sorted = Arrays.copyOf(reps, k);
    Arrays.sort(sorted);
    double alpha = 1 - confidence;
    return new Estimate(value, percentileSorted(sorted, alpha / 2), percentileSorted(sorted, 1 - alpha / 2),
        confidence, Estimate.Method.PERCENTILE_BOOTSTRAP);
  }

  static int[] identity(int n) {
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    return idx;
  }

  static double meanAt(double[] x, int[] idx) {
    double s = 0;
    for (int i : idx) {
      s += x[i];
    }
    return s / idx.length;
  }

  static double percentileAt(double[] x, int[] idx, double p) {
    double[] s = new double[idx.length];
    for (int i = 0; i < idx.length; i++) {
      s[i] = x[idx[i]];
    }
    Arrays.sort(s);
    return percentileSorted(s, p);
  }

  // ---- Student t ----

  /**
   * The Student t quantile: t such that P(T_df <= t) = p.
   *
   * @param p the probability, in (0, 1)
   * @param df the degrees of freedom, > 0; may be non-integer or infinite
   */
  static double tQuantile(double p, double df) {
    if (!(p > 0 && p < 1)) {
      throw new IllegalArgumentException("p not in (0, 1)");
    }
    if (!(df > 0)) {
      throw new IllegalArgumentException("df <= 0");
    }
    if (p == 0.5) {
      return 0;
    }
    if (p < 0.5) {
      return -tQuantile(1 - p, df);
    }
    double z = normalQuantile(p);
    if (df > 1e5) {
      double z3 = z * z * z;
      double z5 = z3 * z * z;
      return Double.isInfinite(df) ? z : z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df * df);
    }
    double lo = 0;
    double hi = Math.max(1, z);
    while (tCdf(hi, df) < p) {
      lo = hi;
      hi *= 2;
    }
    for (int i = 0; i < 300 && hi - lo > 1e-13 * hi; i++) {
      double mid = 0.5 * (lo + hi);
      if (tCdf(mid, df) < p) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return 0.5 * (lo + hi);
  }

  /** The Student t CDF. */
  static double tCdf(double t, double df) {
    if (Double.isInfinite(df)) {
      return 0.5 * erfc(-t / Math.sqrt(2));
    }
    double x = df / (df + t * t);
    double tail = 0.5 * regularizedBeta(x, df / 2, 0.5);
    return t >= 0 ? 1 - tail : tail;
  }

  /** I_x(a, b), Numerical Recipes 6.4. */
  static double regularizedBeta(double x, double a, double b) {
    if (x <= 0) {
      return 0;
    }
    if (x >= 1) {
      return 1;
    }
    double bt =
        Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
    if (x < (a + 1) / (a + b + 2)) {
      return bt * betaContinuedFraction(a, b, x) / a;
    }
    return 1 - bt * betaContinuedFraction(b, a, 1 - x) / b;
  }

  private static double betaContinuedFraction(double a, double b, double x) {
    final double fpmin = 1e-300;
    double qab = a + b;
    double qap = a + 1;
    double qam = a - 1;
    double c = 1;
    double d = 1 - qab * x / qap;
    if (Math.abs(d) < fpmin) {
      d = fpmin;
    }
    d = 1 / d;
    double h = d;
    for (int m = 1; m <= 100_000; m++) {
      int m2 = 2 * m;
      double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
      d = 1 + aa * d;
      if (Math.abs(d) < fpmin) {
        d = fpmin;
      }
      c = 1 + aa / c;
      if (Math.abs(c) < fpmin) {
        c = fpmin;
      }
      d = 1 / d;
      h *= d * c;
      aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
      d = 1 + aa * d;
      if (Math.abs(d) < fpmin) {
        d = fpmin;
      }
      c = 1 + aa / c;
      if (Math.abs(c) < fpmin) {
        c = fpmin;
      }
      d = 1 / d;
      double del = d * c;
      h *= del;
      if (Math.abs(del - 1) < 1e-16) {
        break;
      }
    }
    return h;
  }

  private static final double[] LANCZOS = {
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7
  };

  /** ln Gamma(x) for x > 0, Lanczos g = 7 (relative error ~1e-15). */
  static double logGamma(double x) {
    if (x < 0.5) {
      return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
    }
    x -= 1;
    double a = LANCZOS[0];
    double t = x + 7.5;
    for (int i = 1; i < 9; i++) {
      a += LANCZOS[i] / (x + i);
    }
    return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
  }

  // ---- normal ----

  /** The standard normal quantile: Acklam's approximation plus one Halley refinement step. */
  static double normalQuantile(double p) {
    if (!(p > 0 && p < 1)) {
      throw new IllegalArgumentException("p not in (0, 1)");
    }
    double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
        -3.066479806614716e+01, 2.506628277459239e+00};
    double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
        -1.328068155288572e+01};
    double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
        4.374664141464968e+00, 2.938163982698783e+00};
    double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
    double pLow = 0.02425;
    double x;
    if (p < pLow) {
      double q = Math.sqrt(-2 * Math.log(p));
      x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
          / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    } else if (p <= 1 - pLow) {
      double q = p - 0.5;
      double r = q * q;
      x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
          / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    } else {
      double q = Math.sqrt(-2 * Math.log1p(-p));
      x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
          / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    double e = 0.5 * erfc(-x / Math.sqrt(2)) - p;
    double u = e * Math.sqrt(2 * Math.PI) * Math.exp(x * x / 2);
    return x - u / (1 + x * u / 2);
  }

  /** erfc(x), through the regularized incomplete gamma Q(1/2, x^2) (series or continued fraction, ~1e-15). */
  static double erfc(double x) {
    if (x < 0) {
      return 2 - erfc(-x);
    }
    double a = 0.5;
    double z = x * x;
    if (z == 0) {
      return 1;
    }
    double lnPre = -z + a * Math.log(z) - logGamma(a);
    if (z < a + 1) {
      double sum = 1 / a;
      double term = sum;
      for (int n = 1; n < 10_000; n++) {
        term *= z / (a + n);
        sum += term;
        if (Math.abs(term) < Math.abs(sum) * 1e-17) {
          break;
        }
      }
      return 1 - sum * Math.exp(lnPre);
    }
    final double fpmin = 1e-300;
    double b = z + 1 - a;
    double c = 1 / fpmin;
    double d = 1 / b;
    double h = d;
    for (int i = 1; i < 10_000; i++) {
      double an = -i * (i - a);
      b += 2;
      d = an * d + b;
      if (Math.abs(d) < fpmin) {
        d = fpmin;
      }
      c = b + an / c;
      if (Math.abs(c) < fpmin) {
        c = fpmin;
      }
      d = 1 / d;
      double del = d * c;
      h *= del;
      if (Math.abs(del - 1) < 1e-16) {
        break;
      }
    }
    return Math.exp(lnPre) * h;
  }
}
